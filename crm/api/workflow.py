"""API pieces shared by the workflow resources: merge and duplicate endpoints."""

from collections.abc import Callable

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from crm.duplicates import UnknownDuplicateField, duplicate_fields, duplicate_groups

from .base import StrictSerializerMixin, VisibleRecordField


def merge_request_serializer(model: type[Model]) -> type[serializers.Serializer]:
    queryset = model._default_manager.all()
    return type(
        f"{model.__name__}MergeRequest",
        (StrictSerializerMixin, serializers.Serializer),
        {
            "original": VisibleRecordField(queryset=queryset, help_text=_("The record that is kept.")),
            "duplicates": VisibleRecordField(
                queryset=queryset,
                many=True,
                allow_empty=False,
                help_text=_("The records merged into the original, then deleted."),
            ),
        },
    )


DUPLICATE_GROUPS = inline_serializer(
    "DuplicateGroups",
    fields={
        "page": serializers.IntegerField(),
        "has_next": serializers.BooleanField(),
        "groups": serializers.ListField(
            child=inline_serializer(
                "DuplicateGroup",
                fields={
                    "size": serializers.IntegerField(),
                    "ids": serializers.ListField(child=serializers.IntegerField()),
                },
            )
        ),
    },
)


class DuplicatesAndMergeMixin:
    """`GET {resource}/duplicates/?fields=…` and `POST {resource}/merge/` for a record resource."""

    merge_service: Callable[..., Model]
    request: Request

    @action(detail=False, methods=["get"])
    def duplicates(self, request: Request) -> Response:
        model = self.get_queryset().model  # type: ignore[attr-defined]
        names = [name for name in request.query_params.get("fields", "").split(",") if name]
        try:
            page_number = int(request.query_params.get("page", "1"))
            page = duplicate_groups(model=model, user=request.user, fields=names, page=max(page_number, 1))  # type: ignore[arg-type]
        except (UnknownDuplicateField, ValueError) as error:
            allowed = ", ".join(field.name for field in duplicate_fields(model))
            raise serializers.ValidationError(
                {"fields": [str(error) or _("Choose fields among: %(allowed)s") % {"allowed": allowed}]}
            ) from error
        groups = [
            {"size": group.size, "ids": [member.pk for member in group.members]} for group in page.groups
        ]
        return Response({"page": page.number, "has_next": page.has_next, "groups": groups})

    @action(detail=False, methods=["post"])
    def merge(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        original = self.merge_service(
            original=serializer.validated_data["original"],
            duplicates=serializer.validated_data["duplicates"],
            user=request.user,
        )
        record_serializer = type(self).serializer_class  # type: ignore[attr-defined]
        return Response(record_serializer(original, context={"request": request}).data)


def duplicates_schema(model: type[Model]) -> Callable:
    names = ", ".join(field.name for field in duplicate_fields(model))
    return extend_schema(
        parameters=[
            OpenApiParameter(
                "fields",
                OpenApiTypes.STR,
                required=True,
                description=_(
                    "Comma-separated fields compared case-, accent- and space-insensitively: %(names)s"
                )
                % {"names": names},
                examples=[],
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: DUPLICATE_GROUPS},
    )
