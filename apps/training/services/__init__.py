"""Every write to training, one module per section. Each service locks its row, checks the
state and the actor's right through apps.training.permissions, writes, and records the
audit row in the same transaction; notifications go out with the transaction
(core.notifications queues the e-mail on commit).

Callers keep using ``from apps.training import services`` / ``services.plan_submit``;
this module re-exports every public name of the package."""

from ._common import ZERO, E, P
from .appraisal_results import (
    REQUIRED_TRAINING_WORKING_DAYS,
    SUPERVISOR_TASK_WORKING_DAYS,
    ResultSignal,
    training_from_appraisal_results,
)
from .assignments import assignment_create, assignment_waive, supervisor_task_done
from .development import (
    DevelopmentData,
    conversation_record,
    development_plan_save,
    goal_add,
    goal_set_state,
)
from .enrolment import attendance_record, enrolment_cancel, enrolment_create, session_capacity_set
from .plans import (
    CourseData,
    course_add,
    course_remove,
    course_update,
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    plan_update,
)
from .records import learning_record_add
from .reminders import feedback_requests_send, session_reminders_send
from .results import feedback_submit, result_record
from .sessions import SessionData, session_cancel, session_schedule, session_update_cost

__all__ = [
    "REQUIRED_TRAINING_WORKING_DAYS",
    "SUPERVISOR_TASK_WORKING_DAYS",
    "ZERO",
    "CourseData",
    "DevelopmentData",
    "E",
    "P",
    "ResultSignal",
    "SessionData",
    "assignment_create",
    "assignment_waive",
    "attendance_record",
    "conversation_record",
    "course_add",
    "course_remove",
    "course_update",
    "development_plan_save",
    "enrolment_cancel",
    "enrolment_create",
    "feedback_requests_send",
    "feedback_submit",
    "goal_add",
    "goal_set_state",
    "learning_record_add",
    "plan_approve",
    "plan_create",
    "plan_return",
    "plan_submit",
    "plan_update",
    "result_record",
    "session_cancel",
    "session_capacity_set",
    "session_reminders_send",
    "session_schedule",
    "session_update_cost",
    "supervisor_task_done",
    "training_from_appraisal_results",
]
