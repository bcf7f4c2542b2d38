"""Pages: query counts pinned at two sizes, bad input next to the field, HR actions."""

import pytest

from apps.kpis import jobs
from apps.kpis.models import AppraisalForm

pytestmark = pytest.mark.django_db


def _grow(make_employee, people, n):
    for i in range(n):
        make_employee(f"extra{n}_{i}", "wechat", "ops_specialist", people["manager"])


@pytest.mark.parametrize("extra", [0, 12])
def test_list_pages_query_counts_do_not_grow(
    monthly_cycle, make_employee, people, users, client_for, django_assert_max_num_queries, extra
):
    _grow(make_employee, people, extra)
    jobs.populate_cycle(monthly_cycle.pk)
    assert AppraisalForm.objects.filter(cycle=monthly_cycle).count() == 8 + extra
    hr, manager = client_for(users["hr"]), client_for(users["manager"])
    with django_assert_max_num_queries(30):
        assert hr.get(f"/kpis/cycles/{monthly_cycle.pk}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert manager.get("/kpis/").status_code == 200
    with django_assert_max_num_queries(15):
        assert hr.get("/kpis/cycles/").status_code == 200
    form = AppraisalForm.objects.get(cycle=monthly_cycle, employee=people["specialist"])
    with django_assert_max_num_queries(30):
        assert manager.get(f"/kpis/forms/{form.pk}/").status_code == 200


def test_a_score_outside_the_scale_shows_next_to_its_field(form_of, people, users, client_for):
    form = form_of(people["specialist"])
    item = form.items.filter(indicator__kind="qualitative").first()
    response = client_for(users["specialist"]).post(
        f"/kpis/forms/{form.pk}/self/", {"tasks": "t", "results": "r", f"score_{item.pk}": "150"}
    )
    assert response.status_code == 400
    assert (
        "between 0 and 100" in response.content.decode() or "0 到 100" in response.content.decode()
    )
    assert not item.ratings.exists()


def test_cycle_pages_are_for_hr(monthly_cycle, users, client_for):
    assert client_for(users["specialist"]).get("/kpis/cycles/").status_code == 403
    assert (
        client_for(users["specialist"]).get(f"/kpis/cycles/{monthly_cycle.pk}/").status_code == 403
    )
    assert client_for(users["hr"]).get("/kpis/cycles/").status_code == 200


def test_home_panels(monthly_cycle, users, client_for):
    page = client_for(users["hr"]).get("/").content.decode()
    assert 'data-testid="panel-appraisal-cycle"' in page
    page = client_for(users["manager"]).get("/").content.decode()
    assert (
        'data-testid="panel-team-grades"' in page and 'data-testid="panel-appraisal-tasks"' in page
    )
