"""factory_boy factories for the work app.

A suggestion is sent through `suggestion_submit`, so its department, recipient (the
author's supervisor) and reply-due date are the service's. By default a new App运营部
new-media manager (seed 002, who holds 合理化建议权) writes it to a new head of that
department; needs the `org` fixture (presets).
"""

import factory
from factory.django import DjangoModelFactory

from apps.org.tests.factories import employee_in
from apps.work import services
from apps.work.models import Suggestion


def _author():
    head = employee_in("app-ops", "ops_manager")
    return employee_in("app-ops", "new_media_manager", supervisor=head).user


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Suggestion

    author = factory.LazyFunction(_author)
    kind = Suggestion.Kind.SUGGESTION
    title = factory.Sequence(lambda n: f"简化周报模板 {n}")
    body = "周报字段太多，建议合并三项。"

    @classmethod
    def _create(cls, model_class, *args, author, **fields):
        return services.suggestion_submit(actor=author, **fields)
