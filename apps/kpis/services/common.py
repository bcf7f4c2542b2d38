"""What the appraisal services share: the locked form, the state check, the form's link."""

from django.utils.translation import gettext as _

from apps.core.errors import ConflictError

from ..models import (
    AppraisalForm,
    FormState,
)

S = FormState


def _url(form) -> str:
    from django.urls import reverse

    return reverse("kpis:form_detail", args=[form.pk])


def _locked_form(form) -> AppraisalForm:
    return (
        AppraisalForm.objects.select_for_update(of=("self",))
        .select_related("employee", "department", "cycle", "supervisor")
        .get(pk=form.pk)
    )


def _expect(form, *states, message=None):
    if form.state not in states:
        raise ConflictError(
            message
            or _("This appraisal is at “%(s)s”; that step is not open now.")
            % {"s": form.get_state_display()}
        )
