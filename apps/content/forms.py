from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.content.models import Channel, Checklist, ContentItem, ContentPlan, Format, Topic
from apps.core.forms import BootstrapFormMixin
from apps.org import selectors as org_selectors


class ItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ContentItem
        fields = [
            "title", "channel", "format", "topic", "plan", "body", "cover", "designer",
            "publish_at", "origin", "source", "authorisation",
        ]  # fmt: skip
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "body": _("Paragraphs, headings, lists, links and images; other markup is removed."),
            "source": _("For a repost: where it first appeared."),
            "authorisation": _("For a repost: the written permission (PDF or image, up to 10 MB)."),
            "cover": _("JPEG, PNG, GIF or WebP, up to 5 MB."),
            "topic": _("An accepted topic from the topic bank of your department."),
            "plan": _("The content plan this item delivers, if any."),
        }

    def __init__(self, *args, departments=None, **kwargs):
        """`departments`: where the item is (or may be) drafted; the topics and plans
        offered are theirs (the service checks they match the item's department)."""
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        topic_id, plan_id = self.instance.topic_id, self.instance.plan_id
        self.fields["topic"].queryset = Topic.objects.filter(
            Q(department__in=departments, status=Topic.Status.ACCEPTED) | Q(pk=topic_id)
        ).order_by("-created_at")
        self.fields["plan"].queryset = (
            ContentPlan.objects.filter(Q(department__in=departments) | Q(pk=plan_id))
            .select_related("channel")
            .order_by("channel__sort_order", "theme")
        )
        self.fields["plan"].label_from_instance = lambda p: f"{p.channel.name} · {p.theme}"
        self.fields["designer"].queryset = org_selectors.users_holding(
            "designer", keep_pk=self.instance.designer_id
        )
        self.fields["designer"].label_from_instance = lambda u: u.display_name


class ImageForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Image"), help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB."))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)


class DepartmentChoiceForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=None, label=_("Department"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = lambda d: d.label


class ChecklistField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Checklist.choices, required=False, **kwargs)


class SubmitForm(forms.Form):
    self_check = ChecklistField(label=_("Self-check"))


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput)
    checklist = ChecklistField(label=_("Checklist"))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(
        attrs={"rows": 2, "class": "form-control"}))  # fmt: skip
    publish_at = forms.DateTimeField(
        label=_("Publish time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("What needs to change"), widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control"}))  # fmt: skip


class ScheduleForm(BootstrapFormMixin, forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class BulkApproveForm(forms.Form):
    items = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("Items"))
    comment = forms.CharField(label=_("Comment"), required=False)
    confirm = forms.BooleanField(label=_("I have checked each item against its checklist"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("items") if hasattr(self.data, "getlist") else []
        self.fields["items"].choices = [(v, v) for v in raw if str(v).isdigit()]


class MetricsForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reads = forms.IntegerField(label=_("Reads"), min_value=0, initial=0)
    shares = forms.IntegerField(label=_("Shares"), min_value=0, initial=0)
    likes = forms.IntegerField(label=_("Likes"), min_value=0, initial=0)
    comments = forms.IntegerField(label=_("Comments"), min_value=0, initial=0)
    followers_gained = forms.IntegerField(label=_("Followers gained"), min_value=0, initial=0)
    followers_lost = forms.IntegerField(label=_("Followers lost"), min_value=0, initial=0)


class MetricsImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: item_id, date, reads, shares, likes, comments, followers_gained, "
            "followers_lost (English or Chinese names). CSV in UTF-8 or GBK, or XLSX. "
            "One bad row rejects the whole file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class TopicForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["department", "channel", "title", "proposal"]
        widgets = {"proposal": forms.Textarea(attrs={"rows": 3})}


class TopicDecisionForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Topic.Status.choices if c[0] != Topic.Status.PROPOSED],
    )
    notes = forms.CharField(label=_("Notes"), required=False)


class PlanForm(BootstrapFormMixin, forms.ModelForm):
    planned_dates_text = forms.CharField(
        label=_("Planned dates"),
        required=False,
        help_text=_("Dates separated by commas, e.g. 2026-12-01, 2026-12-08"),
    )

    class Meta:
        model = ContentPlan
        fields = ["department", "channel", "theme", "format", "frequency"]

    def clean_planned_dates_text(self):
        import datetime as dt

        values = [
            v.strip() for v in self.cleaned_data["planned_dates_text"].split(",") if v.strip()
        ]
        try:
            return [dt.date.fromisoformat(v) for v in values]
        except ValueError as error:
            raise forms.ValidationError(_("Dates must look like 2026-12-01.")) from error


FORMAT_CHOICES = Format.choices
