"""The appraisal sheet is stored under a random name and leaves only through the checked
download (apps.core.files), under a readable name, to the person who asked for it."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from apps.kpis import export, services
from apps.kpis.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_export(monthly_cycle, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = services.request_export(actor=users["hr"], cycle=monthly_cycle)
    export.run_export(job.pk)
    return ExportJob.objects.select_related("cycle").get(pk=job.pk)


def test_the_sheet_is_stored_under_an_unguessable_name(finished_export):
    name = finished_export.file.name
    assert re.fullmatch(r"kpis/exports/\d{4}/\d{2}/[A-Za-z0-9_-]{24}\.xlsx", name), name
    assert "appraisal" not in name


def test_page_and_api_download_give_the_readable_name(finished_export, users, client_for, api_for):
    job = finished_export
    readable = f"appraisal-sheet-{job.cycle.period_start:%Y%m}-{job.pk}.xlsx"
    for response in (
        client_for(users["hr"]).get(reverse("kpis:export_download", args=[job.pk])),
        api_for(users["hr"]).get(f"/api/v1/kpis/exports/{job.pk}/download/"),
    ):
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{readable}"'
        assert response["X-Content-Type-Options"] == "nosniff"
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_nobody_else_gets_the_sheet(finished_export, users, client_for, api_for):
    job = finished_export
    for login in ("manager", "director", "specialist"):
        assert (
            client_for(users[login]).get(reverse("kpis:export_download", args=[job.pk])).status_code
            == 404
        )
        assert (
            api_for(users[login]).get(f"/api/v1/kpis/exports/{job.pk}/download/").status_code == 404
        )
    assert api_for(None).get(f"/api/v1/kpis/exports/{job.pk}/download/").status_code in (401, 403)
