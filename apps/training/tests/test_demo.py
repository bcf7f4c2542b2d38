import io

import pytest

from apps.training.models import DevelopmentPlan, Feedback, Session, TrainingPlan

pytestmark = pytest.mark.django_db


def test_demo_loads_a_believable_year_and_is_idempotent():
    from apps.org import demo as org_demo
    from apps.training import demo

    org_demo.load(io.StringIO())
    demo.load(io.StringIO())
    counts = (
        TrainingPlan.objects.count(),
        Session.objects.count(),
        Feedback.objects.count(),
        DevelopmentPlan.objects.count(),
    )
    assert counts[0] == 5 and counts[1] > 10 and counts[2] > 10 and counts[3] == 3
    assert Session.objects.filter(state="held").exists()
    assert Session.objects.filter(state="scheduled").exists()
    demo.load(io.StringIO())
    assert (
        TrainingPlan.objects.count(),
        Session.objects.count(),
        Feedback.objects.count(),
        DevelopmentPlan.objects.count(),
    ) == counts
