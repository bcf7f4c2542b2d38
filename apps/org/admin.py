"""Configuration screens. The admin is no second, weaker door (issue 10): every write
that touches powers (authorities of posts and positions, assignments, delegations,
supervisors, departments) goes through the same services as the pages and the API,
with their checks and audit rows; what has a product page is read-only here, with a
link to it. Anything else edited here is audited like any other write."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core import audit
from apps.core.admin import AuditedAdmin, auditable_fields  # the base of every app's admin
from apps.core.errors import ApplicationError
from apps.org import services
from apps.org.models import (
    Assignment,
    Department,
    Employee,
    Position,
    PositionAuthority,
    Post,
    PostAuthority,
    PowerRequest,
    User,
)


class SuperuserWritesAdmin(AuditedAdmin):
    """For settings that decide who may do what (review chains, approval thresholds)
    and have no service of their own: only the superuser, who may act alone, edits
    them, and every edit is audited, inline rows included."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class _DryRun(Exception):
    pass


def dry_run(call) -> None:
    """Run a service and roll it back, so a form can show the service's refusal next to
    its field before anything is saved. Raises the service's ApplicationError."""
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        pass


def show_error(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


class RequestFormMixin:
    """Hands the request to the admin form, whose clean() asks the services."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form


def _tell_waiting(request, waiting: list[PowerRequest]) -> None:
    for power_request in waiting:
        messages.warning(
            request,
            _(
                "Not applied: %(r)s hands out powers you do not hold. It waits for the "
                "approval of someone who holds them."
            )
            % {"r": power_request},
        )


class AuthorityInlineRouting:
    """Rows of a post's or a position's authorities are never saved by the formset:
    each added, changed or removed row is one call of its service, which may refuse
    (the admin's transaction then rolls back) or turn it into a PowerRequest."""

    def save_formset(self, request, form, formset, change):
        if formset.model not in (PostAuthority, PositionAuthority):
            return super().save_formset(request, form, formset, change)
        parent = form.instance
        if formset.model is PostAuthority:

            def call(authority, scope):
                return services.post_authority_set(
                    actor=request.user, post=parent, authority=authority, scope=scope
                )
        else:

            def call(authority, scope):
                return services.position_authority_set(
                    actor=request.user, position=parent, authority=authority, scope=scope
                )

        waiting = []
        for row in formset.forms:
            old = row.initial.get("authority") if row.instance.pk else None
            if row in formset.deleted_forms:
                if old:
                    call(old, None)
                continue
            if not row.has_changed():
                continue
            data = row.cleaned_data
            if old and old != data["authority"]:
                call(old, None)
            result = call(data["authority"], data["scope"])
            if result is not None:
                waiting.append(result)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        _tell_waiting(request, waiting)
        return None


# --- People and logins ----------------------------------------------------------------


@admin.register(User)
class OpsUserAdmin(UserAdmin):
    """Logins. Only the superuser hands out admin access and Django permissions, or
    changes someone else's login; every change is audited (never the password)."""

    fieldsets = UserAdmin.fieldsets + (("Ops Portal", {"fields": ("preferred_language",)}),)
    list_display = ("username", "email", "is_active", "is_staff", "preferred_language")
    POWER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            readonly = (*readonly, *self.POWER_FIELDS, "last_login", "date_joined")
        return readonly

    def has_change_permission(self, request, obj=None):
        # Someone else's login (its password above all) would be their powers too.
        if obj is not None and obj.pk != request.user.pk and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # people leave through employee_deactivate; history points at logins

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        audit.record(
            actor=request.user,
            obj=obj,
            action="admin.change" if change else "admin.add",
            changes={k: str(form.cleaned_data.get(k)) for k in auditable_fields(form)},
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record(actor=request.user, obj=User.objects.get(pk=id), action="user.password")
        return response


class EmployeeAdminForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["name", "employee_no", "hire_date", "supervisor", "phone"]

    def clean(self):
        data = super().clean()
        if "supervisor" in self.changed_data and not self.errors:
            try:
                dry_run(
                    lambda: services.employee_set_supervisor(
                        actor=self.request.user,
                        employee=self.instance,
                        supervisor=data.get("supervisor"),
                    )
                )
            except ApplicationError as error:
                show_error(self, error)
        return data


@admin.register(Employee)
class EmployeeAdmin(RequestFormMixin, AuditedAdmin):
    """People are created through the API (employee_create makes their login too);
    a supervisor changes through employee_set_supervisor (no loops, audited) and
    somebody leaves through the "has left" action (employee_deactivate)."""

    form = EmployeeAdminForm
    list_display = ("employee_no", "name", "user", "supervisor", "hire_date", "is_active")
    list_filter = ("is_active",)
    search_fields = ("employee_no", "name", "user__username")
    autocomplete_fields = ("supervisor",)
    list_select_related = ("user", "supervisor")
    readonly_fields = ("user", "is_active", "person_page")
    actions = ["mark_as_left"]

    @admin.display(description=_("page"))
    def person_page(self, obj):
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("org:employee_detail", args=[obj.pk]),
            _("Positions and history"),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        plain = [k for k in form.changed_data if k != "supervisor"]
        if plain:
            obj.save(update_fields=plain)
            audit.record(
                actor=request.user,
                obj=obj,
                action="admin.change",
                changes={k: str(form.cleaned_data.get(k)) for k in plain},
            )
        if "supervisor" in form.changed_data:
            services.employee_set_supervisor(
                actor=request.user, employee=obj, supervisor=form.cleaned_data["supervisor"]
            )

    @admin.action(description=_("Mark as left (ends their assignments today)"))
    def mark_as_left(self, request, queryset):
        for employee in queryset:
            try:
                services.employee_deactivate(actor=request.user, employee=employee)
            except ApplicationError as error:
                self.message_user(request, f"{employee}: {error.message}", messages.ERROR)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments change on the person's page and through the API, where
    nobody puts themselves in a post above their own powers."""

    list_display = ("employee", "post", "start_date", "end_date", "is_primary", "person_page")
    list_filter = ("post__department", "is_primary")
    list_select_related = ("employee", "post__department", "post__position")

    @admin.display(description=_("page"))
    def person_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("org:employee_detail", args=[obj.employee_id]), _("Edit")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Positions, posts and their authorities ---------------------------------------------


class PositionAuthorityInline(admin.TabularInline):
    model = PositionAuthority
    extra = 0


@admin.register(Position)
class PositionAdmin(AuthorityInlineRouting, AuditedAdmin):
    """A position's default authorities change through position_authority_set: they
    reach every department, so granting one takes holding it company-wide."""

    list_display = ("code", "name", "name_en", "is_managerial", "is_active", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "name_en")
    inlines = [PositionAuthorityInline]

    def get_readonly_fields(self, request, obj=None):
        # Managerial positions pass review steps reserved for managers: a power.
        return () if request.user.is_superuser else ("is_managerial",)

    def has_delete_permission(self, request, obj=None):
        return False  # posts and review steps point at positions; deactivate instead


class PostAuthorityInline(admin.TabularInline):
    model = PostAuthority
    extra = 0


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["department", "position", "headcount"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not self.errors:
            try:
                dry_run(
                    lambda: services.post_add(
                        actor=self.request.user,
                        department=data["department"],
                        position=data["position"],
                    )
                )
            except ApplicationError as error:
                show_error(self, error)
        return data


@admin.register(Post)
class PostAdmin(AuthorityInlineRouting, RequestFormMixin, AuditedAdmin):
    """Posts are added through post_add (with the position's default authorities);
    their authorities change through post_authority_set, as on the post's page."""

    form = PostAdminForm
    list_display = ("department", "position", "headcount", "authorities_page")
    list_filter = ("department", "position")
    list_select_related = ("department", "position")
    inlines = [PostAuthorityInline]

    @admin.display(description=_("page"))
    def authorities_page(self, obj):
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("org:post_authorities", args=[obj.pk]), _("Edit")
        )

    def get_readonly_fields(self, request, obj=None):
        # Moving a post would move its holders' powers to another department.
        return ("department", "position", "authorities_page") if obj else ("authorities_page",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        post = services.post_add(
            actor=request.user, department=obj.department, position=obj.position
        )
        obj.pk, obj._state.adding = post.pk, False
        if obj.headcount is not None:
            obj.save(update_fields=["headcount"])
        return None


# --- Departments and delegations --------------------------------------------------------


class DepartmentAdminForm(forms.ModelForm):
    EDITABLE = ("name", "name_en", "description", "is_partner", "rulebook", "sort_order")

    class Meta:
        model = Department
        fields = ["name", "name_en", "description", "is_partner", "rulebook", "sort_order"]

    def clean(self):
        data = super().clean()
        if self.changed_data and not self.errors:
            try:
                dry_run(
                    lambda: services.department_update(
                        actor=self.request.user,
                        department=self.instance,
                        **{k: data[k] for k in self.changed_data},
                    )
                )
            except ApplicationError as error:
                show_error(self, error)
        return data


@admin.register(Department)
class DepartmentAdmin(RequestFormMixin, admin.ModelAdmin):
    """Departments are created and deleted through the pages (services keep the tree
    consistent); here their descriptive fields change through department_update.
    Delegations have their own page (not django-guardian's object-permission screens,
    which wrote grants with no check and no audit row)."""

    form = DepartmentAdminForm
    list_display = ("name", "name_en", "code", "kind", "is_partner", "rulebook", "is_active")
    list_filter = ("kind", "is_partner", "is_active")
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("code", "kind", "parent", "path", "depth", "is_active", "delegations")

    @admin.display(description=_("delegated authorities"))
    def delegations(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("org:department_delegations", args=[obj.pk]),
            _("Manage delegations"),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if form.changed_data:
            services.department_update(
                actor=request.user,
                department=obj,
                **{k: form.cleaned_data[k] for k in form.changed_data},
            )


@admin.register(PowerRequest)
class PowerRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are decided on their page by a second person."""

    list_display = ("id", "kind", "state", "requested_by", "created_at", "decided_by")
    list_filter = ("kind", "state")
    list_select_related = ("requested_by", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
