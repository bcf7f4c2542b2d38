"""HR's pages for appraisal templates: the active ones, one template, and the editor
that saves a new version (forms already opened keep the version they were made from)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.actions import attempt
from apps.core.errors import NotFound
from apps.org.models import Department

from . import permissions as policy
from . import selectors, services
from .forms import editor_forms, sections_from
from .models import AppraisalTemplate


def _require_hr(user, department=None):
    policy.require(policy.is_hr(user, department), _("Only HR maintains appraisal templates."))


@login_required
def template_list(request):
    _require_hr(request.user)
    department = Department.objects.filter(pk=request.GET.get("department") or None).first()
    templates = selectors.active_templates(department)
    return render(
        request,
        "kpis/template_list.html",
        {
            "page": Paginator(templates, 25).get_page(request.GET.get("page")),
            "departments": Department.objects.filter(is_active=True).order_by("path"),
            "department": department,
        },
    )


def _template_or_404(pk) -> AppraisalTemplate:
    try:
        return selectors.template_detail(pk)
    except AppraisalTemplate.DoesNotExist as error:
        raise NotFound(_("No such appraisal template.")) from error


@login_required
def template_detail(request, pk):
    _require_hr(request.user)
    template = _template_or_404(pk)
    return render(request, "kpis/template_detail.html", {"template": template})


def _save_atomically(**kwargs):
    """The template with its sections and items is saved together or not at all."""
    with transaction.atomic():
        return services.template_save(**kwargs)


@login_required
def template_edit(request, pk=None):
    """pk: save a new version of that template; none: a new template."""
    template = _template_or_404(pk) if pk else None
    _require_hr(request.user, template.department if template else None)
    header, sections, items = editor_forms(request.POST or None, template)
    status = 200
    if request.method == "POST":
        status = 400
        if header.is_valid() and sections.is_valid() and items.is_valid():
            data = header.cleaned_data
            outcome = attempt(
                lambda: _save_atomically(
                    actor=request.user,
                    department=data["department"],
                    position=data["position"],
                    name=data["name"],
                    name_en=data["name_en"],
                    sections=sections_from(sections, items),
                    rulebook=template.rulebook if template else "",
                    self_scored=data["self_scored"],
                ),
                header,
            )
            if not outcome.ok:
                status = outcome.status
            else:
                messages.success(request, _("Template saved; new forms use this version."))
                return redirect("kpis:template_detail", outcome.value.pk)
    return render(
        request,
        "kpis/template_edit.html",
        {"template": template, "header": header, "sections": sections, "items": items},
        status=status,
    )
