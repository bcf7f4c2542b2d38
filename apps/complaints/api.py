"""Complaint endpoints (/api/v1/complaints/). Thin: the same selectors, services and policy
as the pages. The intake and tracking endpoints are public (no login), rate limited and
token-checked exactly like the web form."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, parser_classes, permission_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.complaints import intake, selectors, services
from apps.complaints import permissions as policy
from apps.complaints.models import Channel, Complaint, ComplaintCategory, SlaPolicy
from apps.complaints.serializers import (
    CategorySerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    ConfirmSerializer,
    MergeSerializer,
    MessageSerializer,
    OwnerSerializer,
    PublicCaptchaSerializer,
    PublicComplaintCreateSerializer,
    PublicComplaintSerializer,
    PublicCreatedSerializer,
    ResolveSerializer,
    SlaPolicySerializer,
    TaskCloseSerializer,
    TaskCreateSerializer,
    TaskSerializer,
    TextSerializer,
    TransferSerializer,
)
from apps.core.client_address import client_address
from apps.core.errors import ApplicationError, PermissionDenied

PARSERS = [JSONParser, MultiPartParser, FormParser]


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _files(request):
    return request.FILES.getlist("attachments") if hasattr(request, "FILES") else []


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaints you may see (policy in SQL); contact details masked unless you handle them."""

    serializer_class = ComplaintSerializer
    lookup_value_regex = r"\d+"
    parser_classes = PARSERS

    def get_queryset(self):
        p = self.request.query_params
        return selectors.complaint_list_for(
            self.request.user,
            state=p.get("state", "") if p.get("state") in Complaint.State.values else "",
            category=p.get("category", "") if p.get("category", "").isdigit() else "",
            severity=p.get("severity", ""),
            channel=p.get("channel", ""),
            overdue=p.get("overdue") in ("1", "true"),
            owner=p.get("owner", "") if p.get("owner") in ("me", "none") else "",
            search=p.get("q", ""),
        )

    def get_object(self):
        complaint = get_object_or_404(
            Complaint.objects.select_related("department"), pk=self.kwargs["pk"]
        )
        policy.require_view(self.request.user, complaint)
        return selectors.complaint_detail(complaint.pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("state", enum=Complaint.State.values),
            OpenApiParameter("category", int),
            OpenApiParameter("severity", str),
            OpenApiParameter("channel", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("owner", enum=["me", "none"]),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ComplaintCreateSerializer, responses={201: ComplaintSerializer})
    def create(self, request):
        """Staff entry of a complaint that came by phone, WeChat, community, app or e-mail."""
        data = _validated(ComplaintCreateSerializer, request.data)
        complaint, _token = services.complaint_submit(
            actor=request.user,
            channel=data.get("channel") or Channel.PHONE,
            category=data["category"],
            severity=data["severity"],
            description=data["description"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            attachments=_files(request),
        )
        body = ComplaintSerializer(complaint, context={"request": request}).data
        body["tracking_url"] = request.build_absolute_uri(
            reverse("complaints:track", args=[_token])
        )
        return Response(body, status=status.HTTP_201_CREATED)

    def _done(self, request, complaint, code=status.HTTP_200_OK):
        complaint = selectors.complaint_detail(complaint.pk)
        return Response(
            ComplaintSerializer(complaint, context={"request": request}).data, status=code
        )

    @extend_schema(request=OwnerSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = _validated(OwnerSerializer, request.data)
        complaint = services.complaint_accept(
            actor=request.user, complaint=self.get_object(), owner=data.get("owner")
        )
        return self._done(request, complaint)

    @extend_schema(request=OwnerSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = _validated(OwnerSerializer, request.data)
        if not data.get("owner"):
            raise ApplicationError(_("Choose the new owner."), field="owner")
        complaint = services.complaint_assign(
            actor=request.user, complaint=self.get_object(), owner=data["owner"]
        )
        return self._done(request, complaint)

    @extend_schema(request=None, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._done(
            request, services.complaint_start(actor=request.user, complaint=self.get_object())
        )

    @extend_schema(request=TextSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def wait(self, request, pk=None):
        data = _validated(TextSerializer, request.data)
        complaint = services.complaint_wait(
            actor=request.user, complaint=self.get_object(), question=data["body"]
        )
        return self._done(request, complaint)

    @extend_schema(request=None, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._done(
            request, services.complaint_resume(actor=request.user, complaint=self.get_object())
        )

    @extend_schema(request=ResolveSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        data = _validated(ResolveSerializer, request.data)
        complaint = services.complaint_resolve(
            actor=request.user, complaint=self.get_object(), summary=data["summary"]
        )
        return self._done(request, complaint)

    @extend_schema(request=TextSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = _validated(TextSerializer, request.data)
        complaint = services.complaint_reopen(
            actor=request.user, complaint=self.get_object(), comment=data["body"]
        )
        return self._done(request, complaint)

    @extend_schema(request=MergeSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        data = _validated(MergeSerializer, request.data)
        into = Complaint.objects.filter(code__iexact=data["into"].strip()).first()
        if into is None:
            raise ApplicationError(_("No complaint has this tracking code."), field="into")
        complaint = services.complaint_merge(
            actor=request.user, complaint=self.get_object(), into=into
        )
        return self._done(request, complaint)

    @extend_schema(request=TransferSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Hand the complaint to another department with a reason (due times unchanged).
        The answer is the complaint as it now stands, even if the caller no longer sees it."""
        data = _validated(TransferSerializer, request.data)
        complaint = services.complaint_transfer(
            actor=request.user,
            complaint=self.get_object(),
            to_department=data["to_department"],
            reason=data["reason"],
        )
        return self._done(request, complaint)

    @extend_schema(request=TextSerializer, responses={201: MessageSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        data = _validated(TextSerializer, request.data)
        message = services.complaint_reply(
            actor=request.user, complaint=self.get_object(), body=data["body"]
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TextSerializer, responses={201: MessageSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        data = _validated(TextSerializer, request.data)
        message = services.complaint_add_note(
            actor=request.user, complaint=self.get_object(), body=data["body"]
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: MessageSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def messages(self, request, pk=None):
        complaint = self.get_object()
        public_only = not policy.can_handle(request.user, complaint)
        return Response(
            MessageSerializer(
                selectors.messages_of(complaint, public_only=public_only), many=True
            ).data
        )

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        data = _validated(TaskCreateSerializer, request.data)
        task = services.task_open(actor=request.user, complaint=self.get_object(), **data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Coordination tasks of the departments where you hold coordinate_task (or supervise)."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        state = self.request.query_params.get("state", "open")
        return selectors.department_tasks_for(
            self.request.user, state="" if state == "all" else state
        )

    def _task(self, pk):
        from apps.complaints.models import CoordinationTask

        return get_object_or_404(CoordinationTask, pk=pk)

    @extend_schema(request=TaskCloseSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _validated(TaskCloseSerializer, request.data)
        task = services.task_close(actor=request.user, task=self._task(pk), note=data["note"])
        return Response(TaskSerializer(task).data)

    @extend_schema(request=None, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = services.task_cancel(actor=request.user, task=self._task(pk))
        return Response(TaskSerializer(task).data)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    queryset = ComplaintCategory.objects.filter(is_active=True).order_by("sort_order", "pk")


class SlaPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SlaPolicySerializer
    queryset = SlaPolicy.objects.order_by("hours_to_accept")
    lookup_field = "severity"


@extend_schema(request=PublicComplaintCreateSerializer, responses={201: PublicCreatedSerializer})
@api_view(["POST"])
@permission_classes([AllowAny])
@parser_classes(PARSERS)
def public_submit(request):
    """File a complaint without logging in, guarded like the web form: rate limited per
    address, a honeypot (`website` must stay empty), and once an address has filed a few
    complaints a captcha (`captcha_key` from public/captcha/ and `captcha_answer`).
    The tracking token is returned once; keep it — it is the only key to the complaint."""
    address = client_address(request)
    if request.data.get("website"):
        # Tell a bot nothing useful; store nothing (the form answers the same).
        raise ApplicationError(
            _(
                "Your complaint could not be accepted. Please reload the form and try again, "
                "or call our hotline."
            )
        )
    intake.check_rate_limit(address)
    data = _validated(PublicComplaintCreateSerializer, request.data)
    if intake.captcha_required(address):
        if not data["captcha_key"] or not data["captcha_answer"]:
            raise ApplicationError(
                _(
                    "Several complaints came from your network recently: answer a captcha. "
                    "Get one from %(url)s and send its captcha_key with the characters of its "
                    "image as captcha_answer."
                )
                % {"url": request.build_absolute_uri(reverse("complaint-public-captcha"))},
                field="captcha_answer",
            )
        intake.check_captcha(data["captcha_key"], data["captcha_answer"])
    complaint, token = services.complaint_submit(
        channel=Channel.API,
        category=data["category"],
        description=data["description"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        contact_email=data["contact_email"],
        attachments=_files(request),
    )
    intake.record_accepted(address)
    return Response(
        {
            "code": complaint.code,
            "tracking_token": token,
            "tracking_url": request.build_absolute_uri(reverse("complaints:track", args=[token])),
        },
        status=status.HTTP_201_CREATED,
    )


@extend_schema(request=None, responses={201: PublicCaptchaSerializer})
@api_view(["POST"])
@permission_classes([AllowAny])
def public_captcha(request):
    """A new captcha for public/: show the image (PNG, served by this site), send its key
    and the characters as captcha_key and captcha_answer. Each answers once, within 5
    minutes; `required` says whether this address needs one now."""
    address = client_address(request)
    key, image = intake.new_captcha(address)
    body = {
        "captcha_key": key,
        "image_url": request.build_absolute_uri(image),
        "required": intake.captcha_required(address),
    }
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: PublicComplaintSerializer})
@api_view(["GET"])
@permission_classes([AllowAny])
def track(request, token):
    """The complaint as its complainant sees it: state and public replies."""
    return Response(PublicComplaintSerializer(services.complaint_by_token(token)).data)


@extend_schema(request=TextSerializer, responses={200: PublicComplaintSerializer})
@api_view(["POST"])
@permission_classes([AllowAny])
def track_information(request, token):
    complaint = services.complaint_by_token(token)
    data = _validated(TextSerializer, request.data)
    services.complaint_add_information(complaint=complaint, token=token, body=data["body"])
    complaint.refresh_from_db()
    return Response(PublicComplaintSerializer(complaint).data)


@extend_schema(request=ConfirmSerializer, responses={200: PublicComplaintSerializer})
@api_view(["POST"])
@permission_classes([AllowAny])
def track_confirm(request, token):
    complaint = services.complaint_by_token(token)
    data = _validated(ConfirmSerializer, request.data)
    complaint = services.complaint_confirm(
        complaint=complaint, token=token, rating=data["rating"], comment=data["comment"]
    )
    return Response(PublicComplaintSerializer(complaint).data)


@extend_schema(request=TextSerializer, responses={200: PublicComplaintSerializer})
@api_view(["POST"])
@permission_classes([AllowAny])
def track_not_satisfied(request, token):
    complaint = services.complaint_by_token(token)
    data = _validated(TextSerializer, request.data)
    complaint = services.complaint_not_satisfied(
        complaint=complaint, token=token, comment=data["body"]
    )
    return Response(PublicComplaintSerializer(complaint).data)


@extend_schema(
    parameters=[
        OpenApiParameter("department", int),
        OpenApiParameter("start", str, description="YYYY-MM-DD"),
        OpenApiParameter("end", str, description="YYYY-MM-DD"),
    ],
    responses={200: dict},
)
@api_view(["GET"])
def stats(request):
    """The report figures (selectors.complaint_stats) for the departments you may see."""
    import datetime as dt

    from django.utils import timezone

    allowed = list(policy.report_departments(request.user))
    if not allowed:
        raise PermissionDenied(_("Complaint reports are for customer service and managers."))
    chosen = request.query_params.get("department", "")
    departments = [d for d in allowed if str(d.pk) == chosen] if chosen else allowed
    if chosen and not departments:
        raise PermissionDenied(_("You may not see complaint figures of this department."))
    tz = timezone.get_current_timezone()
    bounds = {}
    for key in ("start", "end"):
        raw = request.query_params.get(key, "")
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError as error:
                raise ApplicationError(_("Use the format YYYY-MM-DD."), field=key) from error
            if key == "end":
                day += dt.timedelta(days=1)
            bounds[key] = dt.datetime.combine(day, dt.time.min, tz)
    figures = selectors.complaint_stats(departments=departments, **bounds)
    figures["satisfaction"] = {str(k): v for k, v in figures["satisfaction"].items()}
    return Response(figures)
