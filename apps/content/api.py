"""Content endpoints (/api/v1/content/). Thin: the same selectors, services and policy
as the pages."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.content import selectors, services
from apps.content.models import Channel, ContentItem
from apps.content.serializers import (
    ApproveSerializer,
    BulkApproveSerializer,
    BulkResultSerializer,
    DiffSerializer,
    ImportReportSerializer,
    ItemCreateSerializer,
    ItemSerializer,
    ItemUpdateSerializer,
    MetricsImportSerializer,
    MetricsSerializer,
    ReturnSerializer,
    ScheduleSerializer,
    SubmitSerializer,
    VersionSerializer,
    WithdrawSerializer,
)
from apps.core.errors import ApplicationError
from apps.core.imports import ImportRejected
from apps.core.serializers import ImportRejectedSerializer
from apps.org.models import Department


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _lookup(model, field, value):
    if value in (None, ""):
        return None
    return model.objects.filter(**{field: value}).first()


QUEUE_PARAMETERS = [
    OpenApiParameter("department", str, description="Department code"),
    OpenApiParameter("channel", str, description="Channel code"),
    OpenApiParameter("author", str, description="Author login"),
    OpenApiParameter("due", str, enum=["overdue", "today"]),
    OpenApiParameter("sort", str, enum=list(selectors.QUEUE_SORTS)),
]


class ItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Content items you may see: your own, your department's, and those you review."""

    serializer_class = ItemSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state", "")
        return selectors.item_list_for(
            self.request.user,
            state=state if state in ContentItem.State.values else "",
            department=_lookup(Department, "code", params.get("department")),
            channel=_lookup(Channel, "code", params.get("channel")),
            search=params.get("q", "")[:100],
            mine=params.get("mine") == "1",
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(ContentItem.State.values)),
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("channel", str, description="Channel code"),
            OpenApiParameter("q", str, description="Search in titles"),
            OpenApiParameter("mine", str, enum=["1"], description="Only my items"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _item(self, pk) -> ContentItem:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer})
    def create(self, request):
        data = dict(_validated(ItemCreateSerializer, request.data))
        item = services.content_item_create(
            actor=request.user,
            department=data.pop("department"),
            channel=data.pop("channel"),
            title=data.pop("title"),
            **data,
        )
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemUpdateSerializer, responses={200: ItemSerializer})
    def partial_update(self, request, pk=None):
        item = self._item(pk)
        data = _validated(ItemUpdateSerializer, request.data)
        item = services.content_item_update(actor=request.user, item=item, **data)
        return Response(ItemSerializer(item).data)

    @extend_schema(request=SubmitSerializer, responses={200: ItemSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = _validated(SubmitSerializer, request.data)
        item = services.content_item_submit(
            actor=request.user, item=self._item(pk), self_check=data.get("checklist")
        )
        return Response(ItemSerializer(item).data)

    @extend_schema(request=ApproveSerializer, responses={200: ItemSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _validated(ApproveSerializer, request.data)
        item = services.content_item_approve(actor=request.user, item=self._item(pk), **data)
        return Response(ItemSerializer(item).data)

    @extend_schema(request=ReturnSerializer, responses={200: ItemSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_revision(self, request, pk=None):
        data = _validated(ReturnSerializer, request.data)
        item = services.content_item_return(actor=request.user, item=self._item(pk), **data)
        return Response(ItemSerializer(item).data)

    @extend_schema(request=WithdrawSerializer, responses={200: ItemSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = _validated(WithdrawSerializer, request.data)
        item = services.content_item_withdraw(actor=request.user, item=self._item(pk), **data)
        return Response(ItemSerializer(item).data)

    @extend_schema(request=ScheduleSerializer, responses={200: ItemSerializer})
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        data = _validated(ScheduleSerializer, request.data)
        item = services.content_item_schedule(actor=request.user, item=self._item(pk), **data)
        return Response(ItemSerializer(item).data)

    @extend_schema(responses={200: VersionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        versions = selectors.versions_of(self._item(pk))
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("a", int, description="Older version (default: the one before b)"),
            OpenApiParameter("b", int, description="Newer version (default: the latest)"),
        ],
        responses={200: DiffSerializer},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        item = self._item(pk)
        a, b = request.query_params.get("a"), request.query_params.get("b")
        if (a and not a.isdigit()) or (b and not b.isdigit()):
            raise ApplicationError("Versions are numbers.", field="a" if a else "b")
        old, new = selectors.version_pair(item, a, b)
        if new is None:
            raise ApplicationError("No such version.", field="b")
        rows = selectors.diff_versions(old, new)
        return Response(
            DiffSerializer(
                {"old": old.number if old else None, "new": new.number, "rows": rows}
            ).data
        )

    @extend_schema(methods=["get"], request=None, responses={200: MetricsSerializer(many=True)})
    @extend_schema(methods=["post"], request=MetricsSerializer, responses={201: MetricsSerializer})
    @action(detail=True, methods=["get", "post"])
    def metrics(self, request, pk=None):
        item = self._item(pk)
        if request.method == "GET":
            return Response(MetricsSerializer(item.metrics.all()[:200], many=True).data)
        data = _validated(MetricsSerializer, request.data)
        row = services.metrics_record(actor=request.user, item=item, **data)
        return Response(MetricsSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MetricsImportSerializer,
        responses={200: ImportReportSerializer, 400: ImportRejectedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="metrics-import")
    def metrics_import(self, request):
        upload = MetricsImportSerializer(data=request.data)
        try:
            if not upload.is_valid():  # no file: the documented 400 too
                raise ImportRejected(message=upload.errors["file"][0])
            applied = services.metrics_import_csv(
                actor=request.user, data=upload.validated_data["file"]
            )
        except ImportRejected as error:
            return Response(error.as_api_body(), status=status.HTTP_400_BAD_REQUEST)
        return Response({"applied": applied, "errors": []})

    @extend_schema(request=BulkApproveSerializer, responses={200: BulkResultSerializer})
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request):
        data = _validated(BulkApproveSerializer, request.data)
        result = services.content_items_bulk_approve(
            actor=request.user, item_ids=data["items"], comment=data["comment"]
        )
        return Response(
            {
                "approved": result.approved,
                "failed": [
                    {"id": item_id, "title": title, "detail": message}
                    for item_id, title, message in result.failed
                ],
            }
        )


class ReviewQueueViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """What waits for your review: items whose current step you may act on."""

    serializer_class = ItemSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.review_queue_for(
            self.request.user,
            department=_lookup(Department, "code", params.get("department")),
            channel=_lookup(Channel, "code", params.get("channel")),
            author=_lookup(get_user_model(), "username", params.get("author")),
            due=params.get("due", ""),
            sort=params.get("sort", "due"),
        )

    @extend_schema(parameters=QUEUE_PARAMETERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
