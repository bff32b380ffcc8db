"""API of catalogs and catalog types (SPEC §5.4), only while "manage catalogs" is on.

Catalogs are written with multipart uploads (this viewset only; the rest of the API speaks JSON).
The files go through the same checks by content as the upload form (catalogs.validators) and are
stored by catalogs.services under generated names; they are read back through the catalog views
(`pdf_url`, `logo_url`), which check the login and the setting as the web pages do.
"""

from functools import partial
from typing import Any

import django_filters
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request

from crm.api.base import StrictSerializerMixin, UpdatedAfterFilterSet
from crm.models import User

from .models import LOGO_FORMATS, Catalog, CatalogType
from .selectors import catalog_list, catalog_types
from .services import catalog_create, catalog_type_save, catalog_update, catalogs_enabled
from .validators import validate_logo, validate_pdf


class CatalogsEnabledMixin:
    """While "manage catalogs" is off, every endpoint answers 404 (after the login check: 401 first)."""

    def check_permissions(self, request: Request) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not catalogs_enabled():
            raise exceptions.NotFound(gettext("Catalogs are not enabled."))
        super().check_permissions(request)  # type: ignore[misc]


class CatalogTypeSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A catalog type; names are unique."""

    class Meta:
        model = CatalogType
        fields = ["id", "name", "updated_at"]
        read_only_fields = ["updated_at"]


class CatalogTypeViewSet(CatalogsEnabledMixin, viewsets.ModelViewSet):
    """The catalog types (reference data); a type still used by a catalog cannot be deleted (409).
    404 while catalogs are not enabled in the CRM settings."""

    queryset = CatalogType.objects.order_by("name", "pk")
    serializer_class = CatalogTypeSerializer
    filterset_fields = {"name": ["exact", "icontains"], "updated_at": ["gt"]}
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[CatalogType]:
        return catalog_types().order_by("name", "pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = catalog_type_save(
            user=self.request.user,  # type: ignore[arg-type]
            name=serializer.validated_data["name"],
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        instance: CatalogType = serializer.instance  # type: ignore[assignment]
        serializer.instance = catalog_type_save(
            user=self.request.user,  # type: ignore[arg-type]
            name=serializer.validated_data.get("name", instance.name),
            catalog_type=instance,
        )


class CatalogSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A catalog: written as multipart/form-data, read as JSON with the URLs of its files."""

    type = serializers.PrimaryKeyRelatedField(
        queryset=CatalogType.objects.all(), required=False, allow_null=True, help_text=_("A catalog type.")
    )
    pdf_file = serializers.FileField(
        write_only=True,
        max_length=200,
        help_text=_("The brochure: a PDF document, checked by its content (not its name)."),
    )
    logo = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        max_length=200,
        help_text=_(
            "A PNG, JPEG, GIF or WebP image, checked by its content. Send an empty value to remove the logo."
        ),
    )
    pdf_url = serializers.SerializerMethodField(help_text=_("Shows the PDF (behind the login)."))
    download_url = serializers.SerializerMethodField(help_text=_("Downloads the PDF as an attachment."))
    logo_url = serializers.SerializerMethodField(help_text=_("The logo, or null without one."))

    class Meta:
        model = Catalog
        fields = [
            "id",
            "name",
            "type",
            "description",
            "pdf_file",
            "logo",
            "pdf_url",
            "download_url",
            "logo_url",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_by", "created_at", "updated_at"]

    def _absolute(self, url_name: str, catalog: Catalog) -> str:
        url = reverse(url_name, args=[catalog.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, catalog: Catalog) -> str:
        return self._absolute("catalog_pdf", catalog)

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, catalog: Catalog) -> str:
        return self._absolute("catalog_download", catalog)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo_url(self, catalog: Catalog) -> str | None:
        return self._absolute("catalog_logo", catalog) if catalog.logo else None

    def validate_pdf_file(self, file: Any) -> Any:
        # The same checks as catalogs.forms.CatalogForm; the stored name is generated (models.pdf_upload_to).
        if isinstance(file, UploadedFile):
            validate_pdf(file)
            file.name = "catalog.pdf"
        return file

    def validate_logo(self, file: Any) -> Any:
        if isinstance(file, UploadedFile):
            extension, _content_type = LOGO_FORMATS[validate_logo(file)]
            file.name = f"logo.{extension}"  # named after the content found, not the upload's name
        return file


class CatalogFilterSet(UpdatedAfterFilterSet):
    type = django_filters.ModelChoiceFilter(queryset=CatalogType.objects.all(), label=_("Catalog type"))

    class Meta:
        model = Catalog
        fields: list[str] = []


@extend_schema_view(
    create=extend_schema(description=_("Upload a catalog (multipart/form-data: `pdf_file`, `logo`).")),
    update=extend_schema(description=_("Replace a catalog; `pdf_file` must be sent again.")),
    partial_update=extend_schema(description=_("Change a catalog; files not sent are kept.")),
    destroy=extend_schema(description=_("Delete a catalog and its files.")),
)
class CatalogViewSet(CatalogsEnabledMixin, viewsets.ModelViewSet):
    """Catalogs: a PDF brochure with a logo, of a catalog type. 404 while catalogs are not enabled
    in the CRM settings."""

    serializer_class = CatalogSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = CatalogFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at", "created_at"]
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    queryset = Catalog.objects.none()  # for DjangoModelPermissions and the schema; see get_queryset

    def get_queryset(self) -> QuerySet[Catalog]:
        return catalog_list().order_by("name", "pk")

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = catalog_create(user=self.user, fields=dict(serializer.validated_data))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        fields = dict(serializer.validated_data)
        if "logo" in fields and not fields["logo"]:
            fields["logo"] = False  # an empty value removes the logo (None would keep it)
        serializer.instance = catalog_update(
            catalog=serializer.instance,  # type: ignore[arg-type]
            user=self.user,
            fields=fields,
        )

    def perform_destroy(self, instance: Catalog) -> None:
        names = [file.name for file in (instance.pdf_file, instance.logo) if file and file.name]
        storage = instance.pdf_file.storage
        with transaction.atomic():
            instance.delete()
            for name in names:  # the files go once the deletion is committed
                transaction.on_commit(partial(storage.delete, name))
