import pytest

from apps.complaints import demo
from apps.complaints.models import Complaint, CoordinationTask, Escalation

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_once():
    from apps.org import demo as org_demo

    org_demo.load()
    demo.load()
    count = Complaint.objects.count()
    demo.load()
    assert Complaint.objects.count() == count
    assert set(Complaint.objects.values_list("state", flat=True)) == set(Complaint.State.values)
    assert Complaint.objects.filter(reopen_count__gt=0).exists()
    assert CoordinationTask.objects.filter(department__code="tech", state="open").exists()
    assert Escalation.objects.exists()
