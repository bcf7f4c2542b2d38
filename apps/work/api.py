"""Work endpoints (/api/v1/work/). Thin: the same selectors, services and policy as the
pages; domain errors become {"detail", "field"} with their status."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import Pagination
from apps.work import permissions as policy
from apps.work import selectors, services
from apps.work import serializers as s
from apps.work.models import ChannelBooking, CoordinationRequest, Suggestion


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _Base(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = "[0-9]+"


class SuggestionViewSet(_Base):
    """Suggestions and improvement proposals you sent, received, or supervise."""

    serializer_class = s.SuggestionSerializer

    def get_queryset(self):
        p = self.request.query_params
        box = p.get("box", "")
        return selectors.suggestion_list_for(
            self.request.user,
            box=box if box in selectors.SUGGESTION_BOXES else "",
            state=p.get("state", ""),
        )

    @extend_schema(parameters=[OpenApiParameter("box", str), OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        try:
            suggestion = selectors.suggestion_for_page(int(self.kwargs["pk"]))
        except Suggestion.DoesNotExist:
            raise Http404 from None
        policy.require(policy.can_view_suggestion(self.request.user, suggestion))
        return suggestion

    @extend_schema(request=s.SuggestionInput, responses={201: s.SuggestionSerializer})
    def create(self, request):
        suggestion = services.suggestion_submit(
            actor=request.user, **_validated(s.SuggestionInput, request.data)
        )
        return Response(s.SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SuggestionReplyInput, responses={200: s.SuggestionSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        suggestion = self.get_object()
        suggestion = services.suggestion_reply(
            actor=request.user,
            suggestion=suggestion,
            **_validated(s.SuggestionReplyInput, request.data),
        )
        return Response(s.SuggestionSerializer(suggestion).data)


class CoordinationViewSet(_Base):
    """Coordination requests between departments and on campaigns' execution."""

    serializer_class = s.CoordinationSerializer

    def get_queryset(self):
        p = self.request.query_params
        return selectors.coordination_list_for(
            self.request.user, state=p.get("state", ""), incoming=p.get("box") == "incoming"
        )

    @extend_schema(parameters=[OpenApiParameter("box", str), OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        try:
            item = selectors.coordination_for_page(int(self.kwargs["pk"]))
        except CoordinationRequest.DoesNotExist:
            raise Http404 from None
        policy.require(policy.can_view_request(self.request.user, item))
        return item

    @extend_schema(request=s.CoordinationInput, responses={201: s.CoordinationSerializer})
    def create(self, request):
        item = services.coordination_request_open(
            actor=request.user, **_validated(s.CoordinationInput, request.data)
        )
        return Response(s.CoordinationSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CoordinationAnswerInput, responses={200: s.CoordinationSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        item = services.coordination_request_answer(
            actor=request.user,
            request=self.get_object(),
            **_validated(s.CoordinationAnswerInput, request.data),
        )
        return Response(s.CoordinationSerializer(item).data)


class BookingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Channel bookings of departments you may see or book for."""

    serializer_class = s.BookingSerializer
    pagination_class = Pagination
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return selectors.booking_list_for(
            self.request.user, state=self.request.query_params.get("state", "")
        )

    @extend_schema(parameters=[OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.BookingInput, responses={201: s.BookingSerializer})
    def create(self, request):
        booking = services.channel_booking_create(
            actor=request.user, **_validated(s.BookingInput, request.data)
        )
        return Response(s.BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = ChannelBooking.objects.filter(pk=pk).first()
        if booking is None:
            raise Http404
        booking = services.channel_booking_cancel(actor=request.user, booking=booking)
        return Response(s.BookingSerializer(booking).data)
