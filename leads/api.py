"""API of leads: CRUD through the services, status moves by PATCH, and the workflow actions."""

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from crm.api.base import RecordSerializer, RecordViewSet, StrictSerializerMixin, VisibleRecordField
from crm.api.workflow import DuplicatesAndMergeMixin, duplicates_schema, merge_request_serializer
from crm.models import TYPE_FLAGS, Contact, LostReason, ProspectStatus, ThirdParty
from crm.services.merge import leads_merge
from leads.filters import LeadFilterSet
from leads.models import Lead, LeadStage
from leads.services import lead_create, lead_lose, lead_move, lead_reopen, lead_update, leads_take_charge
from leads.services.conversion import ContactMode, ConversionRequest, lead_convert


class LeadSerializer(CountryFieldMixin, RecordSerializer):
    class Meta:
        model = Lead
        fields = [
            "id",
            "company_name",
            "civility",
            "first_name",
            "last_name",
            "job_title",
            "function",
            "department",
            "email",
            "phone",
            "mobile_phone",
            "website",
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
            "industry_sector",
            "do_not_call",
            "do_not_email",
            "assigned_user",
            "team",
            "company",
            "status",
            "stage",
            "scoring",
            "size",
            "is_key_account",
            "is_nurturing",
            "source",
            "category",
            "tags",
            "description",
            "lost_reason",
            "lost_note",
            "converted_third_party",
            "converted_contact",
            "converted_at",
            "version",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "stage",
            "lost_reason",
            "lost_note",
            "converted_third_party",
            "converted_contact",
            "converted_at",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"status": {"required": False}}


class LeadApiFilterSet(LeadFilterSet):
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gt")
    stage = django_filters.ChoiceFilter(choices=LeadStage.choices)
    is_open = django_filters.BooleanFilter(field_name="status__is_open")
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")

    class Meta(LeadFilterSet.Meta):
        fields: list[str] = []


class LeadLoseSerializer(StrictSerializerMixin, serializers.Serializer):
    lost_reason = serializers.PrimaryKeyRelatedField(queryset=LostReason.objects.filter(active=True))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ConvertSerializer(StrictSerializerMixin, serializers.Serializer):
    third_party = VisibleRecordField(
        queryset=ThirdParty.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("An existing third party; leave empty to create one from the lead."),
    )
    third_party_types = serializers.MultipleChoiceField(
        choices=TYPE_FLAGS,
        required=False,
        default={"is_prospect"},
        help_text=_("Types of the new third party."),
    )
    prospect_status = serializers.PrimaryKeyRelatedField(
        queryset=ProspectStatus.objects.filter(archived=False), required=False, allow_null=True, default=None
    )
    contact_mode = serializers.ChoiceField(
        choices=[mode.value for mode in ContactMode], default=ContactMode.NEW
    )
    contact = VisibleRecordField(
        queryset=Contact.objects.all(), required=False, allow_null=True, default=None
    )
    create_opportunity = serializers.BooleanField(default=False)
    opportunity_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    opportunity_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
    )
    opportunity_close_date = serializers.DateField(required=False, allow_null=True, default=None)

    def to_request(self) -> ConversionRequest:
        data = self.validated_data
        return ConversionRequest(
            third_party=data["third_party"],
            third_party_types=set(data["third_party_types"]),
            prospect_status=data["prospect_status"],
            contact_mode=ContactMode(data["contact_mode"]),
            contact=data["contact"],
            create_opportunity=data["create_opportunity"],
            opportunity_name=data["opportunity_name"],
            opportunity_amount=data["opportunity_amount"],
            opportunity_close_date=data["opportunity_close_date"],
        )


CONVERSION_RESULT = inline_serializer(
    "ConversionResult",
    fields={
        "lead": LeadSerializer(),
        "third_party": serializers.IntegerField(),
        "contact": serializers.IntegerField(allow_null=True),
        "opportunity": serializers.IntegerField(allow_null=True),
    },
)


@extend_schema_view(
    take_charge=extend_schema(request=None, responses=LeadSerializer, summary=_("Assign the lead to me")),
    lose=extend_schema(
        request=LeadLoseSerializer, responses=LeadSerializer, summary=_("Lose the lead with a reason")
    ),
    reopen=extend_schema(request=None, responses=LeadSerializer, summary=_("Reopen a lost lead")),
    convert=extend_schema(
        request=ConvertSerializer,
        responses=CONVERSION_RESULT,
        summary=_("Convert the lead (third party, contact, opportunity)"),
        examples=[
            OpenApiExample(
                "New prospect, new contact and an opportunity",
                value={"contact_mode": "new", "create_opportunity": True, "opportunity_amount": "12000.00"},
                request_only=True,
            ),
            OpenApiExample(
                "Existing third party and contact, no opportunity",
                value={"third_party": 42, "contact_mode": "existing", "contact": 7},
                request_only=True,
            ),
        ],
    ),
    merge=extend_schema(request=merge_request_serializer(Lead), responses=LeadSerializer),
    duplicates=duplicates_schema(Lead),
)
class LeadViewSet(DuplicatesAndMergeMixin, RecordViewSet):  # type: ignore[misc]
    serializer_class = LeadSerializer
    filterset_class = LeadApiFilterSet
    search_fields = ["last_name", "first_name", "company_name", "email"]
    ordering_fields = ["created_at", "updated_at", "last_name", "company_name", "scoring"]
    merge_service = staticmethod(leads_merge)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        serializers_by_action: dict[str, type[serializers.BaseSerializer]] = {
            "lose": LeadLoseSerializer,
            "convert": ConvertSerializer,
            "merge": merge_request_serializer(Lead),
        }
        return serializers_by_action.get(self.action or "", LeadSerializer)

    def base_queryset(self) -> QuerySet:
        return Lead.objects.prefetch_related("tags")

    def default_order(self) -> list[str]:
        return ["-created_at", "-pk"]

    def create_record(self, fields: dict[str, Any]) -> Model:
        return lead_create(user=self.user, fields=fields)

    def update_record(self, record: Model, fields: dict[str, Any], version: int | None) -> Model:
        lead: Lead = record  # type: ignore[assignment]
        status = fields.pop("status", None)
        with transaction.atomic():
            if fields:
                lead = lead_update(lead=lead, user=self.user, fields=fields, expected_version=version)
                version = None
            if status is not None:
                lead = lead_move(lead=lead, user=self.user, status=status, expected_version=version)
        return lead

    def respond(self, lead: Lead) -> Response:
        lead = self.base_queryset().get(pk=lead.pk)
        return Response(LeadSerializer(lead, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], url_path="take-charge")
    def take_charge(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        leads_take_charge(leads=[lead], user=self.user)
        return self.respond(lead)

    @action(detail=True, methods=["post"])
    def lose(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        serializer = LeadLoseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead_lose(
            lead=lead,
            user=self.user,
            reason=serializer.validated_data["lost_reason"],
            note=serializer.validated_data["note"],
        )
        return self.respond(lead)

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self.respond(lead_reopen(lead=self.get_object(), user=self.user))

    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        serializer = ConvertSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = lead_convert(lead=lead, user=self.user, request=serializer.to_request())
        return Response(
            {
                "lead": LeadSerializer(
                    self.base_queryset().get(pk=lead.pk), context=self.get_serializer_context()
                ).data,
                "third_party": result.third_party.pk,
                "contact": result.contact.pk if result.contact else None,
                "opportunity": result.opportunity.pk if result.opportunity else None,
            }
        )
