"""API resources of the core: third parties, contacts, addresses, teams, users, activities, reference data."""

from typing import Any

import django_filters
from django.db.models import Model, QuerySet
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from crm import models
from crm.filters import ContactFilterSet, ThirdPartyFilterSet
from crm.reference_kinds import reference_kind
from crm.services.merge import contacts_merge, third_parties_merge
from crm.services.parties import (
    address_delete,
    address_save,
    contact_create,
    contact_update,
    third_party_create,
    third_party_update,
)
from crm.visibility import visible_activities, visible_records

from .base import (
    RecordSerializer,
    RecordViewSet,
    ReferenceCreateMixin,
    StrictSerializerMixin,
    UpdatedAfterFilterSet,
    VisibleRecordField,
)
from .workflow import DuplicatesAndMergeMixin, duplicates_schema, merge_request_serializer

RECORD_READ_ONLY = ["id", "created_at", "updated_at", "locked_fields"]


class ThirdPartySerializer(RecordSerializer):
    parent = VisibleRecordField(  # type: ignore[assignment]
        queryset=models.ThirdParty.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = models.ThirdParty
        fields = [
            "id",
            "reference",
            "name",
            "is_prospect",
            "is_customer",
            "is_supplier",
            "is_internal",
            "is_factor",
            "legal_form",
            "siret",
            "website",
            "email",
            "phone",
            "mobile_phone",
            "note",
            "industry_sector",
            "category",
            "size",
            "is_key_account",
            "scoring",
            "source",
            "assigned_user",
            "team",
            "companies",
            "language",
            "parent",
            "tags",
            "prospect_status",
            "version",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*RECORD_READ_ONLY, "reference", "prospect_status"]


class ThirdPartyApiFilterSet(UpdatedAfterFilterSet, ThirdPartyFilterSet):
    class Meta(ThirdPartyFilterSet.Meta):
        fields = ["is_prospect", "is_customer", "is_supplier", "siret", "email"]


@extend_schema_view(
    merge=extend_schema(request=merge_request_serializer(models.ThirdParty), responses=ThirdPartySerializer),
    duplicates=duplicates_schema(models.ThirdParty),
)
class ThirdPartyViewSet(DuplicatesAndMergeMixin, RecordViewSet):  # type: ignore[misc]
    serializer_class = ThirdPartySerializer
    merge_service = staticmethod(third_parties_merge)
    filterset_class = ThirdPartyApiFilterSet
    search_fields = ["name", "reference", "email", "siret"]
    ordering_fields = ["name", "reference", "created_at", "updated_at", "scoring"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return merge_request_serializer(models.ThirdParty) if self.action == "merge" else ThirdPartySerializer

    def base_queryset(self) -> QuerySet:
        return models.ThirdParty.objects.prefetch_related("companies", "tags")

    def default_order(self) -> list[str]:
        return ["name", "pk"]

    def create_record(self, fields: dict[str, Any]) -> Model:
        return third_party_create(user=self.user, fields=fields)

    def update_record(self, record: Model, fields: dict[str, Any], version: int | None) -> Model:
        return third_party_update(third_party=record, user=self.user, fields=fields, expected_version=version)  # type: ignore[arg-type]


class ContactSerializer(CountryFieldMixin, RecordSerializer):
    main_third_party = VisibleRecordField(
        queryset=models.ThirdParty.objects.all(), required=False, allow_null=True
    )
    third_parties = VisibleRecordField(queryset=models.ThirdParty.objects.all(), many=True, required=False)

    class Meta:
        model = models.Contact
        fields = [
            "id",
            "civility",
            "first_name",
            "last_name",
            "function",
            "department",
            "role",
            "email",
            "email_secondary",
            "phone",
            "mobile_phone",
            "do_not_call",
            "do_not_email",
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
            "language",
            "assigned_user",
            "team",
            "companies",
            "main_third_party",
            "third_parties",
            "tags",
            "note",
            "version",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = RECORD_READ_ONLY


class ContactApiFilterSet(UpdatedAfterFilterSet, ContactFilterSet):
    main_third_party = django_filters.NumberFilter()
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")

    class Meta(ContactFilterSet.Meta):
        fields: list[str] = []


@extend_schema_view(
    merge=extend_schema(request=merge_request_serializer(models.Contact), responses=ContactSerializer),
    duplicates=duplicates_schema(models.Contact),
)
class ContactViewSet(DuplicatesAndMergeMixin, RecordViewSet):  # type: ignore[misc]
    serializer_class = ContactSerializer
    merge_service = staticmethod(contacts_merge)
    filterset_class = ContactApiFilterSet
    search_fields = ["last_name", "first_name", "email"]
    ordering_fields = ["last_name", "first_name", "created_at", "updated_at"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return merge_request_serializer(models.Contact) if self.action == "merge" else ContactSerializer

    def base_queryset(self) -> QuerySet:
        return models.Contact.objects.prefetch_related("companies", "tags", "third_parties")

    def default_order(self) -> list[str]:
        return ["last_name", "first_name", "pk"]

    def create_record(self, fields: dict[str, Any]) -> Model:
        return contact_create(user=self.user, fields=fields)

    def update_record(self, record: Model, fields: dict[str, Any], version: int | None) -> Model:
        return contact_update(contact=record, user=self.user, fields=fields, expected_version=version)  # type: ignore[arg-type]


class AddressSerializer(CountryFieldMixin, StrictSerializerMixin, serializers.ModelSerializer):
    third_party = VisibleRecordField(queryset=models.ThirdParty.objects.all())

    class Meta:
        model = models.Address
        fields = [
            "id",
            "third_party",
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
            "is_invoicing",
            "is_delivery",
            "is_default",
        ]


class AddressFilterSet(django_filters.FilterSet):
    updated_after = django_filters.IsoDateTimeFilter(field_name="third_party__updated_at", lookup_expr="gt")

    class Meta:
        model = models.Address
        fields = ["third_party", "is_default", "is_invoicing", "is_delivery", "city", "postcode"]


class AddressViewSet(viewsets.ModelViewSet):
    """Addresses of the third parties the caller can see; one default per third party."""

    serializer_class = AddressSerializer
    filterset_class = AddressFilterSet
    ordering_fields = ["id", "city", "postcode"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet:
        visible = visible_records(models.ThirdParty.objects.all(), user=self.request.user)  # type: ignore[arg-type]
        return models.Address.objects.filter(third_party__in=visible.values("pk")).order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        address = models.Address(**serializer.validated_data)
        serializer.instance = address_save(address=address, user=self.request.user)  # type: ignore[arg-type]

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        address = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(address, name, value)
        serializer.instance = address_save(address=address, user=self.request.user)  # type: ignore[arg-type]

    def perform_destroy(self, instance: models.Address) -> None:
        address_delete(address=instance, user=self.request.user)  # type: ignore[arg-type]


class TeamSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = models.Team
        fields = ["id", "name", "leader", "members", "company", "updated_at"]
        read_only_fields = ["updated_at"]


class TeamViewSet(viewsets.ModelViewSet):
    queryset = models.Team.objects.prefetch_related("members").order_by("name", "pk")
    serializer_class = TeamSerializer
    filterset_fields = {"company": ["exact"], "updated_at": ["gt"]}
    search_fields = ["name"]
    ordering_fields = ["name"]
    lookup_value_regex = r"[0-9]{1,18}"


class UserSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True)

    class Meta:
        model = models.User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "role",
            "teams",
            "companies",
        ]


class UserFilterSet(django_filters.FilterSet):
    updated_after = django_filters.IsoDateTimeFilter(field_name="date_joined", lookup_expr="gt")

    class Meta:
        model = models.User
        fields = ["is_active", "teams", "companies"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = models.User.objects.prefetch_related("teams", "companies", "groups").order_by("username", "pk")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_name"]
    lookup_value_regex = r"[0-9]{1,18}"


class ActivitySerializer(serializers.ModelSerializer):
    record_type = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = models.Activity
        fields = ["id", "record_type", "object_id", "actor", "verb", "message", "changes", "created_at"]


class ActivityFilterSet(django_filters.FilterSet):
    updated_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gt")
    record_type = django_filters.CharFilter(field_name="content_type__model")

    class Meta:
        model = models.Activity
        fields = ["object_id", "verb", "actor"]


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The timeline of the records the caller can see (third parties, contacts, leads, opportunities…)."""

    queryset = models.Activity.objects.none()  # for the schema; get_queryset applies visibility
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    ordering_fields = ["created_at", "id"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return visible_activities(user=self.request.user).select_related("content_type")  # type: ignore[arg-type]


def reference_viewset(kind: str) -> type[viewsets.ModelViewSet]:
    """A small CRUD resource for one list of reference data (crm.reference_kinds: name, active, …)."""
    reference = reference_kind(kind)
    model = reference.model
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": ["id", *reference.fields, "active", "updated_at"],
            "read_only_fields": ["updated_at"],
        },
    )
    serializer = type(
        f"{model.__name__}Serializer", (StrictSerializerMixin, serializers.ModelSerializer), {"Meta": meta}
    )
    return type(
        f"{model.__name__}ViewSet",
        (ReferenceCreateMixin, viewsets.ModelViewSet),
        {
            "reference_kind_name": kind,
            "queryset": model._default_manager.order_by("name", "pk"),
            "serializer_class": serializer,
            "filterset_fields": {"active": ["exact"], "name": ["exact", "icontains"], "updated_at": ["gt"]},
            "search_fields": ["name"],
            "ordering_fields": ["name", "updated_at"],
            "lookup_value_regex": r"[0-9]{1,18}",
        },
    )
