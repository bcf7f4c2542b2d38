"""Configuration screens for HR (run_appraisal_cycle) and admins. Writes go through the
services (indicator_save, policy_save), which check authority, validate and audit; a
refusal shows next to its field. Templates are versioned by template_save (weights
must total 100): here they are read-only, saved through the API or the presets.
Cycles, forms and their ratings are never edited here: the appraisal flow owns them.
HR has its own pages for indicators, templates and policies (apps.kpis.*_views)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError

from . import services
from .forms import INDICATOR_FIELDS
from .models import (
    AppraisalPolicy,
    AppraisalTemplate,
    GradeBand,
    Indicator,
    TemplateItem,
    TemplateSection,
)


def _apply_error(form, error: ApplicationError):
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class IndicatorAdminForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {k: data.get(k) for k in INDICATOR_FIELDS if k in data}
        try:
            self.instance = services.indicator_save(
                actor=self.request.user,
                data=values,
                indicator=self.instance if self.instance.pk else None,
            )
        except ApplicationError as error:
            _apply_error(self, error)
        return data


class ServiceSavedAdmin(admin.ModelAdmin):
    """The form's clean() has saved through the service (inside the admin's
    transaction, audited there); nothing is left for the admin to write."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        pass

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: past forms keep pointing at the row


@admin.register(Indicator)
class IndicatorAdmin(ServiceSavedAdmin):
    form = IndicatorAdminForm
    list_display = ("code", "name", "name_en", "kind", "source", "rule", "is_active")
    list_filter = ("kind", "source", "is_active")
    search_fields = ("code", "name", "name_en")


def _parse_bands(text: str) -> list[tuple]:
    """'S 90 1.5' per line → [("S", Decimal("90"), Decimal("1.5")), …]."""
    bands = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3 or parts[0] not in "SABCD" or len(parts[0]) != 1:
            raise forms.ValidationError(
                _("Line %(n)s: write a grade, a minimum score and a coefficient, e.g. S 90 1.5.")
                % {"n": number}
            )
        try:
            bands.append((parts[0], Decimal(parts[1]), Decimal(parts[2])))
        except InvalidOperation:
            raise forms.ValidationError(
                _("Line %(n)s: the score and the coefficient must be numbers.") % {"n": number}
            ) from None
    return bands


class PolicyAdminForm(forms.ModelForm):
    grade_bands = forms.CharField(
        label=_("Grade bands"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: grade, minimum score, bonus coefficient (e.g. S 90 1.5)."),
    )

    class Meta:
        model = AppraisalPolicy
        fields = [
            "department",
            "monthly",
            "quarterly",
            "annual",
            "annual_rule",
            "appeal_working_days",
            "anonymous_peers",
            "guide_distribution",
            "excellent_grades",
            "excellence_streak",
            "below_standard_grades",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["grade_bands"].initial = "\n".join(
                f"{b.grade} {b.min_score} {b.bonus_coefficient}" for b in self.instance.bands.all()
            )

    def clean_grade_bands(self):
        return _parse_bands(self.cleaned_data["grade_bands"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {k: data[k] for k in self.Meta.fields if k != "department" and k in data}
        try:
            self.instance = services.policy_save(
                actor=self.request.user,
                department=data["department"],
                data=values,
                bands=data["grade_bands"],
            )
        except ApplicationError as error:
            field = "grade_bands" if error.field == "bands" else error.field
            self.add_error(field if field in self.fields else None, str(error.message))
        return data


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0
    can_delete = False
    readonly_fields = ("grade", "min_score", "bonus_coefficient")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AppraisalPolicy)
class AppraisalPolicyAdmin(ServiceSavedAdmin):
    form = PolicyAdminForm
    list_display = ("department", "monthly", "quarterly", "annual", "appeal_working_days")
    list_select_related = ("department",)
    inlines = [GradeBandInline]


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    can_delete = False
    readonly_fields = ("indicator", "weight", "target", "order")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TemplateSection)
class TemplateSectionAdmin(admin.ModelAdmin):
    list_display = ("template", "name", "weight", "supervisor_share", "peer_share", "self_share")
    list_select_related = ("template",)
    inlines = [TemplateItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 0
    can_delete = False
    show_change_link = True
    readonly_fields = ("name", "weight", "supervisor_share", "peer_share", "self_share")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AppraisalTemplate)
class AppraisalTemplateAdmin(admin.ModelAdmin):
    """Read-only: a template is saved as a new version by template_save (API or presets),
    so the forms that used the old one keep it."""

    list_display = ("name", "department", "position", "rulebook", "is_active", "created_at")
    list_filter = ("is_active", "department")
    list_select_related = ("department", "position")
    inlines = [TemplateSectionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
