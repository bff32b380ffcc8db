"""Catalog pages (SPEC §5.4): cards with "Show PDF", a list with download links, the upload form,
"Send by e-mail", the catalog types, and the files themselves — all only while catalogs are enabled."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_filters import FilterSet, ModelChoiceFilter

from crm.web.http import AuthenticatedRequest
from crm.web.lists import Column, RecordListView
from crm.workflow import WorkflowRefused

from .forms import CatalogForm, CatalogSendForm, CatalogTypeForm
from .models import Catalog, CatalogType
from .selectors import catalog_detail, catalog_list, catalog_recipients, catalog_types, search_catalogs
from .services import (
    CatalogSending,
    can_add_catalog,
    can_change_catalog,
    can_manage_catalog_types,
    catalog_create,
    catalog_send,
    catalog_type_save,
    catalog_update,
    catalogs_enabled,
)
from .validators import max_upload_bytes

View = Callable[..., HttpResponseBase]
CARDS_PER_PAGE = 24


def catalogs_on(view: View) -> View:
    """While "manage catalogs" is off, every catalog page answers 404 with a word on how to turn it on."""

    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not catalogs_enabled():
            return render(request, "catalogs/disabled.html", status=404)
        return view(request, *args, **kwargs)

    return wrapper


def _catalog_or_404(pk: int) -> Catalog:
    try:
        return catalog_detail(pk=pk)
    except Catalog.DoesNotExist as exc:
        raise Http404 from exc


def _type_or_404(pk: int) -> CatalogType:
    try:
        return catalog_types().get(pk=pk)
    except CatalogType.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@catalogs_on
def catalog_cards(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    catalogs = search_catalogs(catalog_list(), query)
    current_type = request.GET.get("type", "")
    if current_type.isdigit():
        catalogs = catalogs.filter(type=int(current_type))
    page = Paginator(catalogs.order_by("name", "pk"), CARDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "catalogs": page.object_list,
        "types": catalog_types(),
        "query": query,
        "current_type": current_type,
        "can_add": can_add_catalog(request.user),
        "can_change": can_change_catalog(request.user),
    }
    return render(request, "catalogs/cards.html", context)


class CatalogFilterSet(FilterSet):
    type = ModelChoiceFilter(label=gettext_lazy("Catalog type"), queryset=CatalogType.objects.all())

    class Meta:
        model = Catalog
        fields: list[str] = []


class CatalogListView(RecordListView):
    filterset_class = CatalogFilterSet
    row_template = "catalogs/_row.html"
    default_sort = "name"
    title = gettext_lazy("Catalogs")
    columns = [
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Catalog type"), "type__name"),
        Column(gettext_lazy("Description")),
        Column(gettext_lazy("Updated"), "updated_at"),
        Column(gettext_lazy("PDF")),
    ]

    def base_queryset(self) -> QuerySet:
        return catalog_list()

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return search_catalogs(queryset, text)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["create_url_name"] = "catalog_create" if can_add_catalog(self.request.user) else ""
        return context


def _form_page(request: AuthenticatedRequest, form: CatalogForm, **context: Any) -> HttpResponse:
    context = {"form": form, "max_upload": filesizeformat(max_upload_bytes()), **context}
    return render(request, "catalogs/form.html", context, status=400 if form.is_bound else 200)


def _save(form: Any, save: Callable[[], Any]) -> Any:
    try:
        return save()
    except WorkflowRefused as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None


@require_http_methods(["GET", "POST"])
@catalogs_on
def catalog_create_view(request: AuthenticatedRequest) -> HttpResponse:
    if not can_add_catalog(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CatalogForm(request.POST, request.FILES, user=request.user)
    else:
        form = CatalogForm(user=request.user)
    if form.is_bound and form.is_valid():
        catalog = _save(form, lambda: catalog_create(user=request.user, fields=form.cleaned_data))
        if catalog:
            messages.success(request, _("Catalog %(name)s created.") % {"name": catalog.name})
            return redirect("catalog_cards")
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@catalogs_on
def catalog_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not can_change_catalog(request.user):
        raise PermissionDenied
    catalog = _catalog_or_404(pk)
    if request.method == "POST":
        form = CatalogForm(request.POST, request.FILES, instance=catalog, user=request.user)
    else:
        form = CatalogForm(instance=catalog, user=request.user)
    if form.is_bound and form.is_valid():
        saved = _save(
            form, lambda: catalog_update(catalog=catalog, user=request.user, fields=form.cleaned_data)
        )
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect("catalog_cards")
    return _form_page(request, form, catalog=_catalog_or_404(pk))


def _file_response(
    file: FieldFile, *, content_type: str, filename: str, as_attachment: bool, max_age: int = 0
) -> FileResponse:
    if not file or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response


@require_GET
@catalogs_on
def catalog_pdf(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """ "Show PDF": the browser displays it (and offers to download it from its viewer)."""
    catalog = _catalog_or_404(pk)
    return _file_response(
        catalog.pdf_file, content_type="application/pdf", filename=catalog.download_name, as_attachment=False
    )


@require_GET
@catalogs_on
def catalog_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    catalog = _catalog_or_404(pk)
    return _file_response(
        catalog.pdf_file, content_type="application/pdf", filename=catalog.download_name, as_attachment=True
    )


@require_GET
@catalogs_on
def catalog_logo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    catalog = _catalog_or_404(pk)
    extension = (catalog.logo.name or "").rsplit(".", 1)[-1]
    return _file_response(
        catalog.logo,
        content_type=catalog.logo_content_type,
        filename=f"logo-{catalog.pk}.{extension}",
        as_attachment=False,
        max_age=3600,
    )


@require_http_methods(["GET", "POST"])
@catalogs_on
def catalog_send_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    catalog = _catalog_or_404(pk)
    form = CatalogSendForm(request.POST or None, user=request.user)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                report = catalog_send(
                    catalog=catalog, contacts=form.cleaned_data["contacts"], sender=request.user
                )
            except WorkflowRefused as error:
                form.add_error(None, str(error))
            else:
                _report(request, report)
                if report.sent:
                    return redirect("catalog_cards")
                if report.failed:
                    status = 502
    return render(request, "catalogs/send.html", {"catalog": catalog, "form": form}, status=status)


def _report(request: AuthenticatedRequest, report: CatalogSending) -> None:
    if report.sent:
        count = len(report.sent)
        messages.success(
            request,
            ngettext("Catalog sent to %(count)d contact.", "Catalog sent to %(count)d contacts.", count)
            % {"count": count},
        )
    for sent_email in report.failed:
        messages.error(
            request,
            _("Not sent to %(email)s: %(error)s")
            % {"email": sent_email.recipient, "error": sent_email.error},
        )
    for _contact, reason in report.skipped:
        messages.warning(request, _("Not sent: %(reason)s") % {"reason": reason})


@require_GET
@catalogs_on
def catalog_recipient_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Options for the contacts picker: visible contacts who can receive the catalog."""
    contacts = catalog_recipients(user=request.user, text=request.GET.get("q", ""))
    options = format_html_join(
        "\n",
        '<option value="{}">{} · {}</option>',
        ((contact.pk, contact.full_name, contact.email) for contact in contacts),
    )
    return HttpResponse(options)


@require_http_methods(["GET", "POST"])
@catalogs_on
def catalog_type_list(request: AuthenticatedRequest) -> HttpResponse:
    can_manage = can_manage_catalog_types(request.user)
    form = CatalogTypeForm(request.POST or None)
    if form.is_bound:
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            catalog_type = _save(
                form, lambda: catalog_type_save(user=request.user, name=form.cleaned_data["name"])
            )
            if catalog_type:
                messages.success(request, _("Catalog type %(name)s created.") % {"name": catalog_type})
                return redirect("catalog_type_list")
    context = {
        "types": catalog_types().annotate(catalog_count=Count("catalogs")),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "catalogs/types.html", context, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@catalogs_on
def catalog_type_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not can_manage_catalog_types(request.user):
        raise PermissionDenied
    catalog_type = _type_or_404(pk)
    form = CatalogTypeForm(request.POST or None, instance=catalog_type)
    if form.is_bound and form.is_valid():
        saved = _save(
            form,
            lambda: catalog_type_save(
                user=request.user, name=form.cleaned_data["name"], catalog_type=catalog_type
            ),
        )
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect("catalog_type_list")
    context = {"form": form, "catalog_type": _type_or_404(pk)}
    return render(request, "catalogs/type_form.html", context, status=400 if form.is_bound else 200)
