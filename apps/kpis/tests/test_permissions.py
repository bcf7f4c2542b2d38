"""Who sees what: forms, peer reviews (anonymous ones never name the reviewer to the
appraisee) and exports, for employee, peer, supervisor, other manager, HR, director."""

import pytest

from apps.core.errors import PermissionDenied
from apps.kpis import export, services
from apps.kpis.tests.conftest import qualitative_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(form_of, people, users):
    """The specialist's form reviewed anonymously by specialist2, before release."""
    form = form_of(people["specialist"])
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form),
        submit=True,
    )
    [review] = services.peer_reviewers_assign(
        actor=users["manager"], form=form, reviewers=[people["specialist2"]], anonymous=True
    )
    services.peer_review_submit(
        actor=users["specialist2"],
        review=review,
        scores=qualitative_scores(form, review=review),
        comment="配合积极",
    )
    return form, review


FORM_VISIBLE = {  # who may open the form page (before release the employee sees no scores)
    "specialist": 200,
    "specialist2": 404,
    "manager": 200,
    "other_manager": 404,
    "hr": 200,
    "director": 200,
    "copywriter": 404,
}


@pytest.mark.parametrize(("login", "status"), FORM_VISIBLE.items())
def test_form_page_visibility(scene, client_for, users, login, status):
    form, _review = scene
    response = client_for(users[login]).get(f"/kpis/forms/{form.pk}/")
    assert response.status_code == status
    if login == "specialist":
        assert b'data-testid="total-score"' not in response.content  # not released yet


PEER_VISIBLE = {
    "specialist2": 200,
    "specialist": 404,
    "manager": 404,
    "hr": 404,
    "other_manager": 404,
}


@pytest.mark.parametrize(("login", "status"), PEER_VISIBLE.items())
def test_peer_review_page_only_for_its_reviewer(scene, client_for, users, login, status):
    _form, review = scene
    assert client_for(users[login]).get(f"/kpis/peer/{review.pk}/").status_code == status


def test_anonymous_reviewer_hidden_from_the_appraisee_but_not_from_the_supervisor(
    scene, users, client_for
):
    form, _review = scene
    form.refresh_from_db()
    services.form_supervisor_score(
        actor=users["manager"], form=form, scores={i.pk: 80 for i in form.items.all()}, submit=True
    )
    services.cycle_aggregate(actor=users["hr"], cycle=form.cycle)
    form.refresh_from_db()
    services.form_calibrate(actor=users["manager"], form=form)
    services.forms_release(actor=users["hr"], cycle=form.cycle)
    mine = client_for(users["specialist"]).get(f"/kpis/forms/{form.pk}/").content.decode()
    assert "配合积极" in mine and "张雨婷" not in mine and 'data-testid="total-score"' in mine
    theirs = client_for(users["manager"]).get(f"/kpis/forms/{form.pk}/").content.decode()
    assert "张雨婷" in theirs


EXPORT_ALLOWED = {
    ("hr", None): True,
    ("hr", "wechat"): True,
    ("director", "wechat"): True,
    ("manager", "wechat"): True,
    ("manager", None): False,
    ("other_manager", "wechat"): False,
    ("specialist", "wechat"): False,
    ("specialist2", None): False,
}


@pytest.mark.parametrize(
    ("login", "dept", "allowed"), [(k[0], k[1], v) for k, v in EXPORT_ALLOWED.items()]
)
def test_export_visibility(monthly_cycle, users, org, login, dept, allowed):
    department = org[dept] if dept else None
    if allowed:
        assert services.request_export(
            actor=users[login], cycle=monthly_cycle, department=department
        )
    else:
        with pytest.raises(PermissionDenied):
            services.request_export(actor=users[login], cycle=monthly_cycle, department=department)


def test_the_sheet_never_names_peer_reviewers(scene, users, tmp_path):
    import openpyxl

    form, _review = scene
    path = tmp_path / "sheet.xlsx"
    export.write_sheet(str(path), cycle=form.cycle, user=users["hr"])
    cells = [
        str(c)
        for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert "配合积极" in cells and not any("张雨婷" in c and "配合" in c for c in cells)


def test_a_manager_exports_only_their_department_rows(monthly_cycle, users, org, tmp_path):
    import openpyxl

    path = tmp_path / "sheet.xlsx"
    rows = export.write_sheet(
        str(path), cycle=monthly_cycle, user=users["manager"], department=org["wechat"]
    )
    assert rows == 6  # the manager's own form included: they see it as its employee
    names = {
        r[1] for r in openpyxl.load_workbook(path).active.iter_rows(min_row=4, values_only=True)
    }
    assert "杨帆" not in names and "李晓明" in names
