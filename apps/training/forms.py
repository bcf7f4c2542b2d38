"""Forms of the training pages. They check shapes; the services check the rules, and
their errors are put next to the field with apply_service_error."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.org.authorities import Authority
from apps.org.models import Employee, Position
from apps.org.permissions import departments_where
from apps.training import permissions as policy
from apps.training.models import (
    AssessmentResult,
    Category,
    DevelopmentGoal,
    LearningRecord,
    Method,
    Technique,
)
from apps.training.services import CourseData, DevelopmentData, SessionData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _employees():
    return Employee.objects.filter(is_active=True).order_by("name")


class PlanForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, plan=None, **kwargs):
        if plan is not None:
            kwargs.setdefault(
                "initial",
                {
                    "department": plan.department,
                    "year": plan.year,
                    "title": plan.title,
                    "goals": plan.goals,
                },
            )
        else:
            kwargs.setdefault("initial", {"year": timezone.localdate().year + 1})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments_where(user, Authority.MANAGE_TRAINING)
            .filter(is_active=True, is_partner=False)
            .order_by("path")
        )
        if plan is not None:
            self.fields["department"].disabled = True
            self.fields["year"].disabled = True
        self.style()


class CourseForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    technique = forms.ChoiceField(label=_("Format"), choices=Technique.choices)
    trainer_employee = forms.ModelChoiceField(
        label=_("Trainer (employee)"), queryset=None, required=False
    )
    trainer_external = forms.CharField(
        label=_("Or an external expert"), max_length=100, required=False
    )
    audience_positions = forms.ModelMultipleChoiceField(
        label=_("Audience (positions)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    audience_people = forms.ModelMultipleChoiceField(
        label=_("Audience (people)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    planned_start = forms.DateField(label=_("Planned from"), widget=DATE)
    planned_end = forms.DateField(label=_("Planned until"), widget=DATE)
    planned_sessions = forms.IntegerField(label=_("Planned sessions"), min_value=1, initial=1)
    planned_hours = forms.DecimalField(
        label=_("Planned hours"), min_value=0, max_digits=6, decimal_places=1
    )
    budget = forms.DecimalField(
        label=_("Budget (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, course=None, **kwargs):
        if course is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        k: getattr(course, k)
                        for k in (
                            "title",
                            "category",
                            "method",
                            "technique",
                            "trainer_employee",
                            "trainer_external",
                            "planned_start",
                            "planned_end",
                            "planned_sessions",
                            "planned_hours",
                            "budget",
                            "description",
                        )
                    },
                    "audience_positions": list(course.audience_positions.all()),
                    "audience_people": list(course.audience_people.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["trainer_employee"].queryset = _employees()
        self.fields["audience_positions"].queryset = Position.objects.filter(is_active=True)
        self.fields["audience_people"].queryset = _employees()
        self.style()

    def data_object(self) -> CourseData:
        c = self.cleaned_data
        return CourseData(
            title=c["title"],
            category=c["category"],
            method=c["method"],
            technique=c["technique"],
            budget=c["budget"],
            planned_start=c["planned_start"],
            planned_end=c["planned_end"],
            planned_hours=c["planned_hours"],
            planned_sessions=c["planned_sessions"],
            description=c["description"],
            trainer_employee=c["trainer_employee"],
            trainer_external=c["trainer_external"],
            audience_positions=list(c["audience_positions"]),
            audience_people=list(c["audience_people"]),
        )


class DecisionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class SessionForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        help_text=_("For a sharing session (no course)."),
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for an internal sharing session."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=20)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    trainer_employee = forms.ModelChoiceField(
        label=_("Trainer (employee)"), queryset=None, required=False
    )
    trainer_external = forms.CharField(
        label=_("Or an external expert"), max_length=100, required=False
    )
    cost = forms.DecimalField(
        label=_("Spend (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=0,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.training.models import Course, TrainingPlan

        self.fields["department"].queryset = (
            departments_where(user, Authority.MANAGE_TRAINING)
            .filter(is_active=True)
            .order_by("path")
        )
        self.fields["course"].queryset = (
            Course.objects.filter(
                plan__state=TrainingPlan.State.APPROVED,
                plan__department__in=self.fields["department"].queryset,
            )
            .select_related("plan__department")
            .order_by("-plan__year", "title")
        )
        self.fields["course"].label_from_instance = lambda c: (
            f"{c.plan.year} · {c.plan.department.label} · {c.title}"
        )
        self.fields["trainer_employee"].queryset = _employees()
        self.style()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("course") and not cleaned.get("department"):
            self.add_error(
                "department", _("Choose a course, or the department of the sharing session.")
            )
        return cleaned

    def data_object(self) -> SessionData:
        c = self.cleaned_data
        return SessionData(
            title=c["title"],
            starts_at=c["starts_at"],
            ends_at=c["ends_at"],
            hours=c["hours"],
            capacity=c["capacity"],
            location=c["location"],
            cost=c.get("cost") or 0,
            trainer_employee=c["trainer_employee"],
            trainer_external=c["trainer_external"],
        )


class AssignForm(BootstrapFormMixin, forms.Form):
    employee = forms.ModelChoiceField(label=_("Team member"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = (
            Employee.objects.filter(policy.people_q(user, field=""), is_active=True)
            .exclude(user=user)
            .order_by("name")
        )
        self.style()


class FeedbackForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class ResultForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AssessmentResult.Outcome.choices)
    score = forms.DecimalField(
        label=_("Score"), min_value=0, max_value=100, decimal_places=1, required=False
    )
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_digits=6, decimal_places=1, required=False
    )
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class LearningRecordForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LearningRecord.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=100, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)
    cost = forms.DecimalField(
        label=_("Spend (yuan)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    assignment = forms.ModelChoiceField(
        label=_("Counts towards required training"), queryset=None, required=False
    )

    def __init__(self, *args, employee, **kwargs):
        kwargs.setdefault("initial", {"completed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        from apps.training.selectors import open_assignments_of

        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["assignment"].queryset = open_assignments_of(employee)
        self.style()


class AssignmentForm(BootstrapFormMixin, forms.Form):
    employee = forms.ModelChoiceField(label=_("Team member"), queryset=None)
    title = forms.CharField(label=_("What to learn"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + dt.timedelta(days=30)})
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = (
            Employee.objects.filter(policy.people_q(user, field=""), is_active=True)
            .exclude(user=user)
            .order_by("name")
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.style()


class DevelopmentPlanForm(BootstrapFormMixin, forms.Form):
    current_role = forms.CharField(label=_("Current role"), max_length=100)
    path = forms.CharField(
        label=_("Career path"),
        max_length=300,
        help_text=_("For example: specialist → senior specialist → manager"),
    )
    target_role = forms.CharField(label=_("Target role"), max_length=100)
    competencies = forms.CharField(
        label=_("Competencies to build"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line."),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Linked trainings"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, plan=None, **kwargs):
        if plan is not None:
            kwargs.setdefault(
                "initial",
                {
                    "current_role": plan.current_role,
                    "path": plan.path,
                    "target_role": plan.target_role,
                    "competencies": plan.competencies,
                    "courses": list(plan.courses.all()),
                },
            )
        super().__init__(*args, **kwargs)
        from apps.training.models import Course, TrainingPlan

        self.fields["courses"].queryset = (
            Course.objects.filter(plan__state=TrainingPlan.State.APPROVED)
            .select_related("plan__department")
            .order_by("-plan__year", "title")
        )
        self.fields["courses"].label_from_instance = lambda c: (
            f"{c.plan.year} · {c.plan.department.label} · {c.title}"
        )
        self.style()

    def data_object(self) -> DevelopmentData:
        c = self.cleaned_data
        return DevelopmentData(
            current_role=c["current_role"],
            path=c["path"],
            target_role=c["target_role"],
            competencies=c["competencies"],
            courses=list(c["courses"]),
        )


class GoalForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Stage goal"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    due_on = forms.DateField(label=_("By"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class GoalStateForm(forms.Form):
    state = forms.ChoiceField(choices=DevelopmentGoal.State.choices)


class ConversationForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    notes = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 4}))
    agreed_actions = forms.CharField(
        label=_("Agreed actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_on = forms.DateField(label=_("Next conversation"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.style()
