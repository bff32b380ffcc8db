"""Shared pieces of the API: strict serializers, visible references, record viewsets over services."""

from typing import Any

import django_filters
from django.db import models
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from crm.models import User
from crm.services.bulk import record_delete
from crm.services.reference import reference_create
from crm.visibility import visible_records


class StrictSerializerMixin:
    """Unknown fields are an error, not silently ignored: a typo must not look like a success."""

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list] = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}  # type: ignore[attr-defined]
            unknown = {name: [_("Unknown or read-only field.")] for name in sorted(set(data) - writable)}
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            raise serializers.ValidationError({**detail, **unknown}) from error
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class ReferenceCreateMixin:
    """New entries through crm.services.reference: the same checks as a form's "+"."""

    reference_kind_name: str

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = reference_create(
            kind=self.reference_kind_name,
            fields=serializer.validated_data,
            user=self.request.user,  # type: ignore[attr-defined]
        )


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time between 1900 and 2999.

    Older local times carry pre-standard offsets (Paris was +00:09:21 before 1911) that RFC 3339,
    and so the API's own responses, cannot express; no CRM record needs them.
    """

    def to_internal_value(self, value: Any) -> Any:
        result = super().to_internal_value(value)
        if not 1900 <= result.year <= 2999:
            raise serializers.ValidationError(_("Enter a date between 1900 and 2999."))
        return result


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A reference to a record the caller may see; any other id is answered as 'does not exist'."""

    def get_queryset(self) -> QuerySet:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return queryset.none()
        return visible_records(queryset, user=user)


class RecordSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: BoundedDateTimeField,
    }
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read; a stale version is refused with 409 (optimistic concurrency)."),
    )


class UpdatedAfterFilterSet(django_filters.FilterSet):
    """Every resource filters on `updated_after` so that integrations can sync incrementally."""

    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gt")


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("The version (ETag) you read; a stale one is refused with 409."),
)


def expected_version(request: Request, validated: dict[str, Any]) -> int | None:
    version = validated.pop("version", None)
    if version is not None:
        return int(version)
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if not header:
        return None
    if not header.isdigit():
        raise serializers.ValidationError({"If-Match": [_("Expected the record's version number.")]})
    return int(header)


@extend_schema_view(
    update=extend_schema(parameters=[IF_MATCH]), partial_update=extend_schema(parameters=[IF_MATCH])
)
class RecordViewSet(viewsets.ModelViewSet):
    """CRUD over a visible queryset; creation and updates go through the entity's services."""

    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    request: Request

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return visible_records(self.base_queryset(), user=self.user).order_by(*self.default_order())

    def default_order(self) -> list[str]:
        return ["-pk"]

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def create_record(self, fields: dict[str, Any]) -> Model:
        raise NotImplementedError

    def update_record(self, record: Model, fields: dict[str, Any], version: int | None) -> Model:
        raise NotImplementedError

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        serializer.instance = self.create_record(fields)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        fields = dict(serializer.validated_data)
        version = expected_version(self.request, fields)
        serializer.instance = self.update_record(serializer.instance, fields, version)  # type: ignore[arg-type]

    def perform_destroy(self, instance: Model) -> None:
        record_delete(record=instance, user=self.user)  # type: ignore[arg-type]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        version = response.data.get("version") if isinstance(response.data, dict) else None
        if version is not None:
            response["ETag"] = f'"{version}"'
        return response
