"""Every write to the organisation: departments, posts and their authorities, people,
assignments and delegations. Each service checks the actor's authority through
apps.org.permissions, writes in one transaction and leaves an audit row.

One module per section; everything is re-exported here so callers keep
`from apps.org import services` and `services.<name>`."""

from apps.org.services.assignments import (  # noqa: F401
    _assignment_check,
    _assignment_write,
    assignment_create,
    assignment_end,
)
from apps.org.services.delegations import (  # noqa: F401
    _delegation_write,
    delegation_grant,
    delegation_revoke,
)
from apps.org.services.departments import (  # noqa: F401
    _insert_department,
    department_create,
    department_delete,
    department_update,
)
from apps.org.services.employees import (  # noqa: F401
    _supervisor_chain,
    employee_create,
    employee_deactivate,
    employee_set_supervisor,
    user_set_language,
)
from apps.org.services.posts import (  # noqa: F401
    _check_authority_and_scope,
    _ensure_post,
    _position_authority_write,
    _post_authority_write,
    position_authority_set,
    post_add,
    post_authority_set,
)
from apps.org.services.power_decisions import (  # noqa: F401
    _locked_request,
    _power_request_close,
    _power_request_decidable,
    power_request_approve,
    power_request_refuse,
)
from apps.org.services.power_requests import (  # noqa: F401
    _power_request_create,
)
from apps.org.services.presets_install import (  # noqa: F401
    org_presets_install,
)
