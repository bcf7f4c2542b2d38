"""SuggestionFactory sends suggestions through suggestion_submit: valid, addressed to the
author's supervisor, who can reply; an improvement without the instruction it improves
is refused with nothing written."""

import pytest

from apps.core.errors import ApplicationError
from apps.core.models import AuditEntry, Notification
from apps.work import services
from apps.work.models import Suggestion
from apps.work.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def test_the_factory_sends_a_valid_suggestion_to_the_supervisor(org):
    suggestion = SuggestionFactory()
    suggestion.full_clean()
    author = suggestion.author.employee
    assert suggestion.state == Suggestion.State.OPEN
    assert suggestion.recipient == author.supervisor.user
    assert suggestion.department == org["app-ops"]
    assert Notification.objects.filter(recipient=suggestion.recipient).count() == 1
    services.suggestion_reply(
        actor=suggestion.recipient, suggestion=suggestion, decision="adopted", reply="采纳"
    )
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.ADOPTED


def test_a_refused_suggestion_writes_nothing(org):
    def counts():
        return Suggestion.objects.count(), AuditEntry.objects.count(), Notification.objects.count()

    before = counts()
    with pytest.raises(ApplicationError):
        SuggestionFactory(kind=Suggestion.Kind.IMPROVEMENT, regarding="")
    assert counts() == before
