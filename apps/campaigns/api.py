"""Campaign endpoints (/api/v1/campaigns/). Thin: the same selectors, services and
policy as the pages; domain errors become {"detail", "field"} with their status."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.campaigns import permissions as policy
from apps.campaigns import selectors, services
from apps.campaigns import serializers as s
from apps.campaigns.models import BudgetIncrease, Campaign, CampaignType, ChecklistItem
from apps.campaigns.services import PlanData
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.core.imports import ImportRejected
from apps.core.serializers import ImportRejectedSerializer
from apps.org.models import Department


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _plan(data) -> tuple:
    data = dict(data)
    department = data.pop("department")
    return department, PlanData(**data)


def _paginated(view, queryset, serializer_class):
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class CampaignTypeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CampaignTypeSerializer
    queryset = CampaignType.objects.filter(is_active=True)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Campaigns you may see (your departments' and those you are on the team of)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return s.CampaignListSerializer if self.action == "list" else s.CampaignSerializer

    def get_queryset(self):
        p = self.request.query_params
        department = (
            Department.objects.filter(pk=p["department"]).first()
            if p.get("department", "").isdigit()
            else None
        )
        campaign_type = (
            CampaignType.objects.filter(code=p["type"]).first() if p.get("type") else None
        )
        return selectors.campaign_list_for(
            self.request.user,
            department=department,
            state=p.get("state", "") if p.get("state") in Campaign.State.values else "",
            campaign_type=campaign_type,
            owner=self.request.user if p.get("mine") == "1" else None,
            date_from=p.get("from") or None,
            date_to=p.get("to") or None,
            text=p.get("q", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int, description="Department id (with its groups)"),
            OpenApiParameter("state", str),
            OpenApiParameter("type", str, description="Campaign type code"),
            OpenApiParameter("mine", str, description="1: only campaigns I own"),
            OpenApiParameter("from", str, description="Running on or after (YYYY-MM-DD)"),
            OpenApiParameter("to", str, description="Running on or before (YYYY-MM-DD)"),
            OpenApiParameter("q", str, description="Search theme, purpose and close-out"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        try:
            campaign = selectors.campaign_for_page(self.kwargs["pk"])
        except (Campaign.DoesNotExist, ValueError):
            from django.http import Http404

            raise Http404 from None
        policy.require_view(self.request.user, campaign)
        return campaign

    def _out(self, campaign, code=status.HTTP_200_OK):
        return Response(
            s.CampaignSerializer(selectors.campaign_for_page(campaign.pk)).data, status=code
        )

    @extend_schema(request=s.PlanInput, responses={201: s.CampaignSerializer})
    def create(self, request):
        department, data = _plan(_validated(s.PlanInput, request.data))
        campaign = services.campaign_create(actor=request.user, department=department, data=data)
        return self._out(campaign, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanInput, responses={200: s.CampaignSerializer})
    def update(self, request, pk=None):
        campaign = self.get_object()
        _department, data = _plan(_validated(s.PlanInput, request.data))
        services.campaign_update(actor=request.user, campaign=campaign, data=data)
        return self._out(campaign)

    def _simple(self, service):
        campaign = service(actor=self.request.user, campaign=self.get_object())
        return self._out(campaign)

    @extend_schema(request=None, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._simple(services.campaign_submit)

    @extend_schema(request=s.CommentInput, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _validated(s.CommentInput, request.data)
        campaign = services.campaign_approve(
            actor=request.user, campaign=self.get_object(), comment=data["comment"]
        )
        return self._out(campaign)

    @extend_schema(request=s.CommentInput, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = _validated(s.CommentInput, request.data)
        campaign = services.campaign_return(
            actor=request.user, campaign=self.get_object(), comment=data["comment"]
        )
        return self._out(campaign)

    @extend_schema(request=None, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def prepare(self, request, pk=None):
        return self._simple(services.campaign_prepare)

    @extend_schema(request=None, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._simple(services.campaign_start)

    @extend_schema(request=None, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self._simple(services.campaign_finish)

    @extend_schema(request=s.ReasonInput, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _validated(s.ReasonInput, request.data)
        campaign = services.campaign_cancel(
            actor=request.user, campaign=self.get_object(), reason=data["reason"]
        )
        return self._out(campaign)

    @extend_schema(request=s.CloseOutInput, responses={200: s.CampaignSerializer})
    @action(detail=True, methods=["post"], url_path="close-out")
    def close_out(self, request, pk=None):
        data = _validated(s.CloseOutInput, request.data)
        campaign = services.campaign_close_out(
            actor=request.user, campaign=self.get_object(), **data
        )
        return self._out(campaign)

    @extend_schema(request=None, responses={201: s.CampaignSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        campaign = services.campaign_copy(actor=request.user, source=self.get_object())
        return self._out(campaign, status.HTTP_201_CREATED)

    @extend_schema(request=s.ChecklistInput, responses={200: s.ChecklistItemSerializer})
    @action(detail=True, methods=["post"], url_path=r"checklist/(?P<item_pk>\d+)")
    def checklist(self, request, pk=None, item_pk=None):
        campaign = self.get_object()
        item = get_object_or_404(ChecklistItem, pk=item_pk, campaign=campaign)
        data = _validated(s.ChecklistInput, request.data)
        item = services.checklist_item_set(actor=request.user, item=item, **data)
        return Response(s.ChecklistItemSerializer(item).data)

    @extend_schema(methods=["get"], responses={200: s.LogEntrySerializer(many=True)}, request=None)
    @extend_schema(methods=["post"], request=s.LogEntryInput, responses={201: s.LogEntrySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=Pagination)
    def log(self, request, pk=None):
        campaign = self.get_object()
        if request.method == "GET":
            return _paginated(self, selectors.log_entries_of(campaign), s.LogEntrySerializer)
        data = dict(request.data.items()) if hasattr(request.data, "items") else request.data
        if hasattr(request.data, "getlist"):
            data["attachments"] = request.FILES.getlist("attachments")
        data = _validated(s.LogEntryInput, data)
        files = data.pop("attachments")
        entry = services.log_entry_add(actor=request.user, campaign=campaign, files=files, **data)
        return Response(s.LogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses={200: s.SpendSerializer(many=True)}, request=None)
    @extend_schema(methods=["post"], request=s.SpendInput, responses={201: s.SpendSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=Pagination)
    def spends(self, request, pk=None):
        campaign = self.get_object()
        if request.method == "GET":
            return _paginated(self, campaign.spends.order_by("-spent_on", "-id"), s.SpendSerializer)
        data = _validated(s.SpendInput, request.data)
        line = campaign.budget_lines.filter(pk=data.pop("budget_line")).first()
        if line is None:
            raise ApplicationError("Choose a budget line of this campaign.", field="budget_line")
        spend = services.spend_record(
            actor=request.user, campaign=campaign, budget_line=line, **data
        )
        return Response(s.SpendSerializer(spend).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.IncreaseInput, responses={201: s.BudgetIncreaseSerializer})
    @action(detail=True, methods=["post"], url_path="budget-increases")
    def budget_increases(self, request, pk=None):
        data = _validated(s.IncreaseInput, request.data)
        increase = services.budget_increase_request(
            actor=request.user, campaign=self.get_object(), **data
        )
        return Response(s.BudgetIncreaseSerializer(increase).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DistributionInput, responses={201: s.PrizeDistributionSerializer})
    @action(detail=True, methods=["post"], url_path="prize-distributions")
    def prize_distributions(self, request, pk=None):
        campaign = self.get_object()
        data = _validated(s.DistributionInput, request.data)
        prize = campaign.prizes.filter(pk=data.pop("prize")).first()
        if prize is None:
            raise ApplicationError("Choose a prize of this campaign.", field="prize")
        record = services.prize_distribute(actor=request.user, prize=prize, **data)
        return Response(s.PrizeDistributionSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["get"], responses={200: s.MetricSnapshotSerializer(many=True)}, request=None
    )
    @extend_schema(
        methods=["post"], request=s.MetricsInput, responses={201: s.MetricSnapshotSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=Pagination)
    def metrics(self, request, pk=None):
        campaign = self.get_object()
        if request.method == "GET":
            return _paginated(
                self, campaign.metrics.order_by("taken_on", "channel"), s.MetricSnapshotSerializer
            )
        data = _validated(s.MetricsInput, request.data)
        snapshot = services.metrics_record(actor=request.user, campaign=campaign, **data)
        return Response(s.MetricSnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.MetricsImportInput},
        responses={200: None, 400: ImportRejectedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="metrics/import")
    def metrics_import(self, request, pk=None):
        campaign = self.get_object()
        data = _validated(s.MetricsImportInput, request.data)
        try:
            count = services.metrics_import_csv(
                actor=request.user, campaign=campaign, upload=data["file"]
            )
        except ImportRejected as error:
            return Response(error.as_api_body(), status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": count})

    @extend_schema(responses={200: None})
    @action(detail=True, methods=["get"], url_path="close-out-figures")
    def figures(self, request, pk=None):
        campaign = self.get_object()
        close_out = selectors.close_out_of(campaign)

        def text(value):
            return None if value is None else str(value)

        return Response(
            {
                "targets": [
                    {
                        "metric": row["target"].metric,
                        "target_value": text(row["target"].target_value),
                        "actual_value": text(row["target"].actual_value),
                        "completion_rate": text(row["completion"]),
                        "met": row["met"],
                    }
                    for row in close_out["targets"]
                ],
                "cost": text(close_out["cost"]),
                "budget": text(close_out["budget"]),
                "roi": text(close_out["roi"]),
                "channels": [
                    {
                        **{
                            k: row[k]
                            for k in (
                                "channel",
                                "impressions",
                                "clicks",
                                "conversions",
                                "new_followers",
                            )
                        },
                        "cost": text(row["cost"]),
                        "ctr": text(row["ctr"]),
                        "conversion_rate": text(row["conversion_rate"]),
                    }
                    for row in selectors.metrics_by_channel(campaign)
                ],
            }
        )


class BudgetIncreaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Budget increase requests of campaigns you may see; decide them by the same chain."""

    serializer_class = s.BudgetIncreaseSerializer

    def get_queryset(self):
        queryset = (
            BudgetIncrease.objects.filter(
                campaign__in=Campaign.objects.filter(policy.visible_q(self.request.user))
            )
            .select_related("requested_by")
            .order_by("-requested_at", "-id")
        )
        if self.request.query_params.get("state"):
            queryset = queryset.filter(state=self.request.query_params["state"])
        return queryset

    @extend_schema(request=s.CommentInput, responses={200: s.BudgetIncreaseSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _validated(s.CommentInput, request.data)
        increase = services.budget_increase_approve(
            actor=request.user, increase=self.get_object(), comment=data["comment"]
        )
        return Response(s.BudgetIncreaseSerializer(increase).data)

    @extend_schema(request=s.CommentInput, responses={200: s.BudgetIncreaseSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = _validated(s.CommentInput, request.data)
        increase = services.budget_increase_return(
            actor=request.user, increase=self.get_object(), comment=data["comment"]
        )
        return Response(s.BudgetIncreaseSerializer(increase).data)
