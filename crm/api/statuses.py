"""Status lists (lead, opportunity, prospect statuses): readable by all, configured by admins."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from crm.models import StatusBase
from crm.services.statuses import (
    ConfigurationForbidden,
    status_archive,
    status_create,
    status_restore,
    status_update,
)

from .base import StrictSerializerMixin


def status_viewset(model: type[StatusBase]) -> type[viewsets.GenericViewSet]:
    """CRUD-like resource for one status list; archiving replaces deletion (records keep their status)."""
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": [
                "id",
                "name",
                "name_en",
                "label",
                "sequence",
                "is_open",
                "colour",
                "archived",
                "updated_at",
            ],
            "read_only_fields": ["sequence", "archived", "updated_at"],
        },
    )
    serializer = type(
        f"{model.__name__}Serializer",
        (StrictSerializerMixin, serializers.ModelSerializer),
        {"Meta": meta, "label": serializers.CharField(read_only=True)},
    )

    def get_queryset(self: viewsets.GenericViewSet) -> QuerySet:
        return model._default_manager.order_by("sequence", "pk")

    def run(self: Any, service: Any, **kwargs: Any) -> Any:
        try:
            return service(user=self.request.user, **kwargs)
        except ConfigurationForbidden as refusal:
            raise PermissionDenied(str(refusal)) from refusal

    def perform_create(self: Any, instance_serializer: serializers.BaseSerializer) -> None:
        instance_serializer.instance = run(
            self, status_create, model=model, fields=dict(instance_serializer.validated_data)
        )

    def perform_update(self: Any, instance_serializer: serializers.BaseSerializer) -> None:
        instance_serializer.instance = run(
            self,
            status_update,
            status=instance_serializer.instance,
            fields=dict(instance_serializer.validated_data),
        )

    def archive(self: Any, request: Request, pk: str) -> Response:
        status = run(self, status_archive, status=self.get_object())
        return Response(serializer(status).data)

    def restore(self: Any, request: Request, pk: str) -> Response:
        status = run(self, status_restore, status=self.get_object())
        return Response(serializer(status).data)

    viewset = type(
        f"{model.__name__}ViewSet",
        (
            mixins.ListModelMixin,
            mixins.RetrieveModelMixin,
            mixins.CreateModelMixin,
            mixins.UpdateModelMixin,
            viewsets.GenericViewSet,
        ),
        {
            "queryset": model._default_manager.none(),
            "serializer_class": serializer,
            "filterset_fields": {"is_open": ["exact"], "archived": ["exact"], "updated_at": ["gt"]},
            "ordering_fields": ["sequence", "name"],
            "lookup_value_regex": r"[0-9]{1,18}",
            "get_queryset": get_queryset,
            "perform_create": perform_create,
            "perform_update": perform_update,
            "archive": action(detail=True, methods=["post"])(archive),
            "restore": action(detail=True, methods=["post"])(restore),
        },
    )
    return extend_schema_view(
        archive=extend_schema(request=None, responses=serializer),
        restore=extend_schema(request=None, responses=serializer),
    )(viewset)
