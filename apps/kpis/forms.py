"""The HR template editor: a template's sections and its indicators, as two formsets
(an indicator row names its section by number). Weights are checked by the service."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError
from apps.core.forms import BootstrapFormMixin
from apps.org.models import Department, Position

from .models import (
    AppraisalPolicy,
    AppraisalTemplate,
    CycleKind,
    CycleTiming,
    Grade,
    Indicator,
    Raters,
)


class TemplateHeaderForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("path"),
        required=False,
        empty_label=_("Every department (company-wide)"),
    )
    position = forms.ModelChoiceField(
        label=_("Position"), queryset=Position.objects.order_by("sort_order")
    )
    name = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    self_scored = forms.BooleanField(
        label=_("The self-assessment is scored"),
        required=False,
        initial=True,
        help_text=_("Off: the employee writes a work summary only; no self score counts."),
    )

    def __init__(self, *args, fixed=False, **kwargs):
        """fixed: editing an existing template, whose department and position stay."""
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: d.label
        self.fields["position"].label_from_instance = lambda p: p.label
        if fixed:
            for name in ("department", "position"):
                self.fields[name].disabled = True


class SectionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Section (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Section (English)"), max_length=100, required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=100, decimal_places=2)
    supervisor_share = forms.DecimalField(
        label=_("Supervisor %"), min_value=0, max_value=100, decimal_places=2, initial=70
    )
    peer_share = forms.DecimalField(
        label=_("Peers %"), min_value=0, max_value=100, decimal_places=2, initial=20
    )
    self_share = forms.DecimalField(
        label=_("Self %"), min_value=0, max_value=100, decimal_places=2, initial=10
    )


class TemplateItemForm(BootstrapFormMixin, forms.Form):
    section = forms.IntegerField(label=_("Section no."), min_value=1)
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.order_by("code")
    )
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=100, decimal_places=2)
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        decimal_places=4,
        help_text=_("A completion-rate indicator needs a target above 0."),
    )
    raters = forms.ChoiceField(label=_("Scored by"), choices=Raters.choices, required=False)
    part_targets = forms.JSONField(
        label=_("Sub-measure targets"),
        required=False,
        help_text=_('A composite indicator\'s target per sub-measure, e.g. {"reads": 50000}.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].label_from_instance = lambda i: f"{i.label} ({i.code})"


def _formset(form, extra):
    return forms.formset_factory(form, extra=extra, can_delete=True, max_num=60)


SectionFormSet = _formset(SectionForm, extra=1)
TemplateItemFormSet = _formset(TemplateItemForm, extra=2)


def editor_forms(data=None, template: AppraisalTemplate | None = None):
    """The header form and both formsets, filled from `template` (new version of it)."""
    header_initial, sections, items = {}, [], []
    if template is not None:
        header_initial = {
            "department": template.department_id,
            "position": template.position_id,
            "name": template.name,
            "name_en": template.name_en,
            "self_scored": template.self_scored,
        }
        for number, section in enumerate(template.sections.all(), start=1):
            sections.append({
                "name": section.name, "name_en": section.name_en, "weight": section.weight,
                "supervisor_share": section.supervisor_share, "peer_share": section.peer_share,
                "self_share": section.self_share,
            })  # fmt: skip
            items += [
                {"section": number, "indicator": item.indicator_id, "weight": item.weight,
                 "target": item.target, "raters": item.raters,
                 "part_targets": item.part_targets or None}
                for item in section.items.all()
            ]  # fmt: skip
    return (
        TemplateHeaderForm(data, initial=header_initial, fixed=template is not None),
        SectionFormSet(data, prefix="sections", initial=sections or None),
        TemplateItemFormSet(data, prefix="items", initial=items or None),
    )


def sections_from(section_formset, item_formset) -> list[dict]:
    """The service's shape: [{name, …, items: [{indicator, weight, target}]}]. An
    indicator row naming a section that is not there raises ApplicationError."""
    sections = [
        {**row, "items": []}
        for row in section_formset.cleaned_data
        if row and not row.get("DELETE")
    ]
    for row in item_formset.cleaned_data:
        if not row or row.get("DELETE"):
            continue
        if row["section"] > len(sections):
            raise ApplicationError(
                _("An indicator names section %(n)s, but there are %(count)s sections.")
                % {"n": row["section"], "count": len(sections)},
                field="weights",
            )
        sections[row["section"] - 1]["items"].append(
            {
                "indicator": row["indicator"],
                "weight": row["weight"],
                "target": row["target"],
                "raters": row.get("raters") or "",
                "part_targets": row.get("part_targets") or {},
            }
        )
    for section in sections:
        section.pop("DELETE", None)
    return sections


# --- A department's appraisal policy (HR) --------------------------------------------


class PolicyForm(BootstrapFormMixin, forms.ModelForm):
    """The policy's own fields; the guide distribution is one percentage per grade."""

    class Meta:
        model = AppraisalPolicy
        fields = [
            "monthly", "quarterly", "annual", "annual_rule", "appeal_working_days",
            "appeal_route", "anonymous_peers", "excellent_grades", "excellence_streak",
            "below_standard_grades",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guide = self.instance.guide_distribution or {}
        for grade, label in Grade.choices:
            self.fields[f"guide_{grade}"] = forms.DecimalField(
                label=_("Guide %% %(grade)s") % {"grade": grade},
                help_text=label,
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=guide.get(grade),
            )
        self.style()

    def policy_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["guide_distribution"] = {
            grade: float(self.cleaned_data[f"guide_{grade}"])
            for grade, _label in Grade.choices
            if self.cleaned_data.get(f"guide_{grade}") is not None
        }
        return data


class GradeBandForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    min_score = forms.DecimalField(
        label=_("From score"), min_value=0, max_value=100, decimal_places=2
    )
    bonus_coefficient = forms.DecimalField(
        label=_("Bonus coefficient"), min_value=0, max_digits=4, decimal_places=2
    )


GradeBandFormSet = _formset(GradeBandForm, extra=0)


def policy_forms(data=None, *, policy, bands):
    """`policy`: the department's own (or an unsaved one with the defaults it follows);
    `bands`: [(grade, min_score, coefficient)] in force for it."""
    initial = [{"grade": g, "min_score": m, "bonus_coefficient": c} for g, m, c in bands]
    return (
        PolicyForm(data, instance=policy),
        GradeBandFormSet(data, prefix="bands", initial=initial),
    )


class TimingForm(BootstrapFormMixin, forms.Form):
    """When one kind of cycle opens and each stage closes (apps.kpis.schedule)."""

    kind = forms.ChoiceField(choices=CycleKind.choices, widget=forms.HiddenInput)
    opens = forms.ChoiceField(label=_("Opens"), choices=CycleTiming.Opens.choices)
    open_days = forms.IntegerField(label=_("N (working days)"), min_value=0, max_value=60)
    self_days = forms.IntegerField(label=_("Self-assessment"), min_value=0, max_value=60)
    peer_days = forms.IntegerField(label=_("Peer review"), min_value=0, max_value=60)
    supervisor_days = forms.IntegerField(label=_("Supervisor review"), min_value=0, max_value=60)
    calibration_days = forms.IntegerField(label=_("Manager review"), min_value=0, max_value=60)
    close_by_day = forms.IntegerField(
        label=_("Every stage closes by day"),
        required=False,
        min_value=0,
        max_value=31,
        help_text=_("Of the next month (10: 次月上旬); 0: the period's last day; empty: no limit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    @property
    def kind_label(self):
        return CycleKind(self.initial.get("kind") or self.data.get(self.add_prefix("kind"))).label


TimingFormSet = forms.formset_factory(TimingForm, extra=0, min_num=3, max_num=3)


def timing_formset(data=None, *, policy, resolver):
    """One row per kind of cycle, filled with the timing in force for `policy`."""
    from .schedule import DEFAULT_TIMINGS

    initial = []
    for kind in CycleKind.values:
        timing = resolver.timing(policy, kind) if policy.pk else DEFAULT_TIMINGS[kind]
        initial.append({"kind": kind, **timing.__dict__})
    return TimingFormSet(data, prefix="timing", initial=initial)


def timings_from(formset) -> list[dict]:
    return [dict(row) for row in formset.cleaned_data if row]


def bands_from(formset) -> list[tuple]:
    return [
        (row["grade"], row["min_score"], row["bonus_coefficient"])
        for row in formset.cleaned_data
        if row and not row.get("DELETE")
    ]


# --- The indicator library (HR) ------------------------------------------------------

INDICATOR_FIELDS = [
    "code", "name", "name_en", "description", "kind", "unit", "formula", "rule", "floor",
    "cap", "bands", "scale_max", "levels", "source", "auto_source", "is_active",
]  # fmt: skip


class IndicatorForm(BootstrapFormMixin, forms.ModelForm):
    """Shapes only (JSON that parses, a known automatic source); indicator_save checks the
    rule is complete."""

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "bands": forms.Textarea(attrs={"rows": 3}),
            "levels": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        from . import sources

        super().__init__(*args, **kwargs)
        self.fields["auto_source"] = forms.ChoiceField(
            label=capfirst(Indicator._meta.get_field("auto_source").verbose_name),
            choices=[("", "—"), *sources.choices()],
            required=False,
        )
        if self.instance.pk:  # the code is what imports and exports refer to
            self.fields["code"].disabled = True
        self.style()

    def indicator_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in INDICATOR_FIELDS}


class ActualsImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: employee_no, indicator (its code), actual; or 员工编号, 指标编码, 实际值. "
            "CSV in UTF-8 or GBK, or XLSX. One bad row rejects the whole file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
