"""The appraisal sheet (考核表) of a cycle as XLSX: a row per employee with per-indicator
scores, weighted total, grade, bonus coefficient, comments and appeal status, laid out
for printing (landscape, fit to width, header row repeated).

XlsxWriter in constant_memory mode writes each row as it goes and forms are read with
.iterator(): memory stays flat as rows grow. On PostgreSQL every row — with its
indicator scores and peer comments as arrays — comes from ONE query read through a
server-side cursor, and progress is saved a fixed number of times, so an export costs
the same number of queries for any number of employees. Peer comments are written without their
reviewers' names, whatever the review's anonymity."""

import math
import os
import tempfile
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.core.files import File
from django.db import connection
from django.db.models import Min, OuterRef, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.exports import workbook as safe_workbook
from apps.core.exports import write_text

from . import selectors
from .models import ExportJob, FormItem, Indicator, PeerReview

PROGRESS_EVERY = 500  # rows between progress saves when the total is not known
PROGRESS_STEPS = 20  # progress saves in all when it is
CHUNK_ROWS = 2000  # rows fetched at a time


def _one_query() -> bool:
    """Rows with their scores and comments in one query (PostgreSQL arrays)?"""
    return connection.vendor == "postgresql"


def _indicators(cycle, department=None):
    items = FormItem.objects.filter(form__cycle=cycle)
    if department is not None:
        items = items.filter(form__department__path__startswith=department.path)
    ids = items.values("indicator_id").annotate(o=Min("order")).order_by("o", "indicator_id")
    order = [row["indicator_id"] for row in ids]
    indicators = Indicator.objects.in_bulk(order)
    return [indicators[pk] for pk in order]


def _has_rate(indicator) -> bool:
    """Indicators with a completion rate get a column for it next to their score."""
    return indicator.needs_target or indicator.is_composite


def _sheet_forms(cycle, user, department=None):
    """The sheet's forms, each with `(indicator_id, score, completion rate, target)`
    per item and peer comments: one annotated query on PostgreSQL, prefetches per
    chunk elsewhere."""
    forms = selectors.sheet_rows(cycle, user, department=department)
    submitted = PeerReview.objects.filter(state=PeerReview.State.SUBMITTED)
    if _one_query():
        items = FormItem.objects.filter(form_id=OuterRef("pk")).order_by("pk")
        comments = submitted.filter(form_id=OuterRef("pk")).exclude(comment="").order_by("pk")
        forms = forms.annotate(
            item_indicators=ArraySubquery(items.values("indicator_id")),
            item_scores=ArraySubquery(items.values("score")),
            item_rates=ArraySubquery(items.values("completion_rate")),
            item_targets=ArraySubquery(items.values("target")),
            peer_comments=ArraySubquery(comments.values("comment")),
        )
        for form in forms.iterator(chunk_size=CHUNK_ROWS):
            rows = zip(
                form.item_indicators,
                form.item_scores,
                form.item_rates,
                form.item_targets,
                strict=True,
            )
            yield form, rows, form.peer_comments
        return
    fields = ("form_id", "indicator_id", "score", "completion_rate", "target")
    forms = forms.prefetch_related(
        Prefetch("items", queryset=FormItem.objects.only(*fields)),
        Prefetch("peer_reviews", queryset=submitted.only("form_id", "comment")),
    )
    for form in forms.iterator(chunk_size=CHUNK_ROWS):
        rows = [(i.indicator_id, i.score, i.completion_rate, i.target) for i in form.items.all()]
        yield form, rows, [r.comment for r in form.peer_reviews.all() if r.comment]


def write_sheet(path, *, cycle, user, department=None, progress=None, total=None) -> int:
    """Write the sheet to `path`; returns the number of rows. `progress(done)` is
    called PROGRESS_STEPS times in all when the `total` is given, else every
    PROGRESS_EVERY rows."""
    every = math.ceil(total / PROGRESS_STEPS) if total else PROGRESS_EVERY
    layout = _layout(_indicators(cycle, department))
    # Names, comments and indicator labels are user text: strings only, never formulas.
    workbook = safe_workbook(path, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(_("Appraisal sheet")[:31])
    formats = _formats(workbook)
    label = cycle.label + (f" · {department.label}" if department else "")
    _write_head(sheet, formats, layout, label)
    row = 3
    for form, scores, comments in _sheet_forms(cycle, user, department):
        _write_form(sheet, formats, layout, row, form, scores, comments)
        row += 1
        if progress and (row - 3) % every == 0:
            progress(row - 3)
    workbook.close()
    return row - 3


class _Layout(NamedTuple):
    indicators: list
    by_id: dict
    column_of: dict  # indicator id: its score column
    rate_column_of: dict  # indicator id: its completion rate's column, where it has one
    after: int  # the first column after the indicators


def _layout(indicators) -> _Layout:
    """Each indicator's score column, then its completion rate's where it has one."""
    column_of, rate_column_of, col = {}, {}, 4
    for ind in indicators:
        column_of[ind.pk] = col
        col += 1
        if _has_rate(ind):
            rate_column_of[ind.pk] = col
            col += 1
    by_id = {ind.pk: ind for ind in indicators}
    return _Layout(indicators, by_id, column_of, rate_column_of, col)


def _formats(workbook) -> dict:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "head": workbook.add_format(
            {"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "cell": workbook.add_format({"border": 1, "valign": "top"}),
        "number": workbook.add_format({"border": 1, "num_format": "0.00", "valign": "top"}),
        "wrap": workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
    }


def _write_head(sheet, formats, layout: _Layout, label: str) -> None:
    """Page setup (A4 landscape, one page wide, header rows repeated), title, headers."""
    after = layout.after
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    write_text(sheet, 0, 0, f"{_('Appraisal sheet')} · {label}", formats["title"])
    headers = [_("Employee number"), _("Employee name"), _("Department"), _("Position")]
    for ind in layout.indicators:
        headers.append(ind.label)
        if ind.pk in layout.rate_column_of:
            headers.append(f"{ind.label} · {_('completion rate (%)')}")
    headers += [
        _("Weighted total"),
        _("Grade"),
        _("Bonus coefficient"),
        _("Supervisor's comments"),
        _("Peer comments"),
        _("Calibration"),
        _("Appeal"),
    ]
    for col, text in enumerate(headers):
        write_text(sheet, 2, col, text, formats["head"])
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 3, 12)
    sheet.set_column(4, after - 1, 9)
    sheet.set_column(after, after + 2, 9)
    sheet.set_column(after + 3, after + 6, 28)
    sheet.freeze_panes(3, 2)


def _write_form(sheet, formats, layout: _Layout, row, form, scores, comments) -> None:
    """One form's row: who, each indicator's score (and rate), the result, the comments."""
    cell, number, wrap = formats["cell"], formats["number"], formats["wrap"]
    after, by_id, rate_column_of = layout.after, layout.by_id, layout.rate_column_of
    write_text(sheet, row, 0, form.employee.employee_no, cell)
    write_text(sheet, row, 1, form.employee.name, cell)
    write_text(sheet, row, 2, form.department.label, cell)
    write_text(sheet, row, 3, form.position.label, cell)
    for col in range(4, after):
        sheet.write_blank(row, col, None, number)
    for indicator_id, score, rate, target in scores:
        if score is not None:
            sheet.write_number(row, layout.column_of[indicator_id], float(score), number)
        if indicator_id not in rate_column_of:
            continue
        if rate is not None:
            sheet.write_number(row, rate_column_of[indicator_id], float(rate), number)
        elif (
            by_id[indicator_id].needs_target
            and not by_id[indicator_id].is_composite
            and (target is None or target <= 0)
        ):
            write_text(sheet, row, rate_column_of[indicator_id], _("no target"), cell)
    if form.total_score is not None:
        sheet.write_number(row, after, float(form.total_score), number)
    else:
        sheet.write_blank(row, after, None, number)
    write_text(sheet, row, after + 1, form.grade, cell)
    if form.bonus_coefficient is not None:
        sheet.write_number(row, after + 2, float(form.bonus_coefficient), number)
    else:
        sheet.write_blank(row, after + 2, None, number)
    write_text(sheet, row, after + 3, form.supervisor_comment, wrap)
    write_text(sheet, row, after + 4, "\n".join(comments), wrap)
    write_text(sheet, row, after + 5, form.calibration_reason, wrap)
    appeal = getattr(form, "appeal", None)
    write_text(sheet, row, after + 6, appeal.get_state_display() if appeal else "", wrap)


def run_export(job_id: int) -> int:
    """Celery: build the file for an ExportJob, updating its progress. Idempotent: a
    finished job is left alone."""
    job = ExportJob.objects.select_related("cycle", "department", "requested_by").get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return job.total
    user = job.requested_by
    total = selectors.sheet_rows(job.cycle, user, department=job.department).count()
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, total=total)

    def progress(done):
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        with translation.override(user.preferred_language or "zh-hans"):
            count = write_sheet(
                path,
                cycle=job.cycle,
                user=user,
                department=job.department,
                progress=progress,
                total=total,
            )
        with open(path, "rb") as stream:
            name = f"appraisal-sheet-{job.cycle.period_start:%Y%m}-{job.pk}.xlsx"
            job.file.save(name, File(stream), save=False)
        job.state = ExportJob.State.DONE
        job.done = job.total = count
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "state", "done", "total", "finished_at"])
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error=str(error))
        raise
    finally:
        os.unlink(path)
    return count
