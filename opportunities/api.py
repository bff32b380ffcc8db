"""API of opportunities and quotes: CRUD through the services, status moves by PATCH, workflow actions."""

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from crm.api.base import RecordSerializer, RecordViewSet, StrictSerializerMixin, VisibleRecordField
from crm.models import Contact, LostReason, ThirdParty
from crm.visibility import visible_records
from leads.models import Lead
from opportunities.filters import OpportunityFilterSet
from opportunities.models import Opportunity, Quote, QuoteLine
from opportunities.services import (
    opportunity_create,
    opportunity_lose,
    opportunity_move,
    opportunity_update,
    opportunity_win,
)
from opportunities.services.quotes import LineInput, quote_confirm, quote_create, quote_refuse, quote_send


class OpportunitySerializer(RecordSerializer):
    third_party = VisibleRecordField(queryset=ThirdParty.objects.all(), required=False, allow_null=True)
    contact = VisibleRecordField(queryset=Contact.objects.all(), required=False, allow_null=True)
    origin_lead = VisibleRecordField(queryset=Lead.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "name",
            "third_party",
            "contact",
            "status",
            "stage",
            "scoring",
            "probability",
            "amount",
            "best_case",
            "worst_case",
            "currency",
            "expected_close_date",
            "assigned_user",
            "team",
            "company",
            "source",
            "description",
            "tags",
            "lost_reason",
            "origin_lead",
            "closed_at",
            "version",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "stage", "closed_at", "locked_fields", "created_at", "updated_at"]
        extra_kwargs = {
            "status": {"required": False},
            "lost_reason": {"help_text": _("With a move to the lost status: why it was lost.")},
            "amount": {"min_value": 0},
        }


class OpportunityApiFilterSet(OpportunityFilterSet):
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gt")
    third_party = django_filters.NumberFilter()
    is_open = django_filters.BooleanFilter(field_name="status__is_open")

    class Meta(OpportunityFilterSet.Meta):
        fields: list[str] = []


class OpportunityLoseSerializer(StrictSerializerMixin, serializers.Serializer):
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=LostReason.objects.filter(active=True), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class LineSerializer(StrictSerializerMixin, serializers.Serializer):
    label = serializers.CharField(max_length=300)  # type: ignore[assignment]
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=-(10**12), max_value=10**12
    )


class CreateQuoteSerializer(StrictSerializerMixin, serializers.Serializer):
    lines = LineSerializer(many=True, allow_empty=False)

    def line_inputs(self) -> list[LineInput]:
        return [LineInput(**line) for line in self.validated_data["lines"]]


class QuoteLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["id", "sequence", "label", "quantity", "unit_price", "amount"]


class QuoteSerializer(serializers.ModelSerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "reference",
            "opportunity",
            "third_party",
            "company",
            "status",
            "total",
            "currency",
            "confirmed_at",
            "assigned_user",
            "team",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


WIN_RESULT = inline_serializer(
    "WinResult",
    fields={
        "opportunity": OpportunitySerializer(),
        "other_open_opportunities": serializers.ListField(
            child=serializers.IntegerField(),
            help_text=_("The prospect's other open opportunities: offer to close them (POST …/lose/)."),
        ),
    },
)


@extend_schema_view(
    win=extend_schema(request=None, responses=WIN_RESULT, summary=_("Close the opportunity as won")),
    lose=extend_schema(
        request=OpportunityLoseSerializer, responses=OpportunitySerializer, summary=_("Close as lost")
    ),
    create_quote=extend_schema(
        request=CreateQuoteSerializer,
        responses={201: QuoteSerializer},
        summary=_("Create a quote (→ Proposal)"),
    ),
)
class OpportunityViewSet(RecordViewSet):
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityApiFilterSet
    search_fields = ["name", "third_party__name"]
    ordering_fields = ["created_at", "updated_at", "name", "amount", "expected_close_date", "probability"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return {"lose": OpportunityLoseSerializer, "create_quote": CreateQuoteSerializer}.get(
            self.action or "", OpportunitySerializer
        )

    def base_queryset(self) -> QuerySet:
        return Opportunity.objects.prefetch_related("tags")

    def default_order(self) -> list[str]:
        return ["-created_at", "-pk"]

    def create_record(self, fields: dict[str, Any]) -> Model:
        return opportunity_create(user=self.user, fields=fields)

    def update_record(self, record: Model, fields: dict[str, Any], version: int | None) -> Model:
        opportunity: Opportunity = record  # type: ignore[assignment]
        status = fields.pop("status", None)
        lost_reason = fields.pop("lost_reason", None) if status is not None else None
        with transaction.atomic():
            if fields:
                opportunity = opportunity_update(
                    opportunity=opportunity, user=self.user, fields=fields, expected_version=version
                )
                version = None
            if status is not None:
                opportunity = opportunity_move(
                    opportunity=opportunity,
                    user=self.user,
                    status=status,
                    lost_reason=lost_reason,
                    expected_version=version,
                )
        return opportunity

    def serialize(self, opportunity: Opportunity) -> dict[str, Any]:
        fresh = Opportunity.objects.get(pk=opportunity.pk)
        return OpportunitySerializer(fresh, context=self.get_serializer_context()).data

    @action(detail=True, methods=["post"])
    def win(self, request: Request, pk: str) -> Response:
        result = opportunity_win(opportunity=self.get_object(), user=self.user)
        others = [other.pk for other in result.other_open_opportunities]
        return Response(
            {"opportunity": self.serialize(result.opportunity), "other_open_opportunities": others}
        )

    @action(detail=True, methods=["post"])
    def lose(self, request: Request, pk: str) -> Response:
        opportunity = self.get_object()
        serializer = OpportunityLoseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opportunity_lose(
            opportunity=opportunity,
            user=self.user,
            reason=serializer.validated_data["lost_reason"],
            note=serializer.validated_data["note"],
        )
        return Response(self.serialize(opportunity))

    @action(detail=True, methods=["post"], url_path="create-quote")
    def create_quote(self, request: Request, pk: str) -> Response:
        opportunity = self.get_object()
        serializer = CreateQuoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote = quote_create(opportunity=opportunity, user=self.user, lines=serializer.line_inputs())
        return Response(QuoteSerializer(quote).data, status=201)


@extend_schema_view(
    confirm=extend_schema(
        summary=_("Confirm the quote: it becomes the sales order"), request=None, responses=QuoteSerializer
    ),
    send=extend_schema(summary=_("Mark the quote as sent"), request=None, responses=QuoteSerializer),
    refuse=extend_schema(summary=_("Mark the quote as refused"), request=None, responses=QuoteSerializer),
)
class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quotes are created from their opportunity (`POST opportunities/{id}/create-quote/`)."""

    serializer_class = QuoteSerializer
    filterset_fields = {
        "opportunity": ["exact"],
        "third_party": ["exact"],
        "status": ["exact"],
        "updated_at": ["gt"],
    }
    ordering_fields = ["created_at", "total", "reference"]
    search_fields = ["reference"]
    lookup_value_regex = r"[0-9]{1,18}"
    queryset = Quote.objects.none()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        quotes = Quote.objects.prefetch_related("lines")
        return visible_records(quotes, user=self.request.user).order_by("-created_at", "-pk")  # type: ignore[arg-type]

    def run(self, service: Any) -> Response:
        quote = self.get_object()
        service(quote=quote, user=self.request.user)
        return Response(QuoteSerializer(Quote.objects.prefetch_related("lines").get(pk=quote.pk)).data)

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        return self.run(quote_confirm)

    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        return self.run(quote_send)

    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        return self.run(quote_refuse)
