"""The list page machinery shared by every entity: visibility, filters, search, sorting, pagination,
the per-user column chooser, the cards view and the bulk actions (crm.web.bulk)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from django_filters import FilterSet

from crm.models import ListLayout
from crm.services.preferences import list_layout_reset, list_layout_save
from crm.workflow import WorkflowRefused

from . import cells
from .bulk import BulkActions
from .cells import Render
from .http import AuthenticatedRequest

PAGE_SIZES = (10, 25, 50, 100)
CARDS = "cards"
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP records and says "10,000+" beyond: counting a million visible rows
    for the header of each page would cost more than the page itself."""

    @cached_property
    def count(self) -> int:
        # Without the ORDER BY, the database reads any COUNT_CAP + 1 rows instead of sorting them all.
        return self.object_list.order_by()[: COUNT_CAP + 1].count()  # type: ignore[attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_CAP)


@dataclass(frozen=True)
class Column:
    label: Any
    sort: str = ""  # an ordering expression, e.g. "name"; empty: not sortable
    # The rest is for lists whose rows are drawn from their columns (a `list_key`, a column chooser).
    key: str = ""
    render: Render | None = None
    related: tuple[str, ...] = ()  # select_related when the column is shown
    prefetch: tuple[str, ...] = ()  # prefetch_related when the column is shown
    hideable: bool = True
    default: bool = True  # shown until the user chooses their columns
    css: str = ""


def reference_column(label: Any, key: str, **options: Any) -> Column:
    """A reference-data or related record shown by its name, sorted by it, joined in when shown."""
    return Column(label, f"{key}__name", key, cells.text(key), related=(key,), **options)


def date_column(label: Any, key: str, **options: Any) -> Column:
    return Column(label, key, key, cells.short_date(key), **options)


def owner_columns(*, team_default: bool = False) -> list[Column]:
    """Assigned user and team, as every owned record has them."""
    return [
        Column(
            _("Assigned to"),
            "assigned_user__username",
            "assigned_user",
            cells.text("assigned_user"),
            related=("assigned_user",),
        ),
        reference_column(_("Team"), "team", default=team_default),
    ]


def tags_column(**options: Any) -> Column:
    return Column(_("Tags"), "", "tags", cells.tags, prefetch=("tags",), **options)


def scoring_column(**options: Any) -> Column:
    return Column(_("Scoring"), "scoring", "scoring", cells.stars(), **options)


def reach_columns(*, email_default: bool = True) -> list[Column]:
    """How to reach the person or the company: phone, mobile phone, e-mail, city."""
    return [
        Column(_("Phone"), "", "phone", cells.phone("phone")),
        Column(_("Mobile phone"), "", "mobile_phone", cells.phone("mobile_phone"), default=False),
        Column(_("Email"), "email", "email", cells.email(), default=email_default),
        Column(_("City"), "city", "city", cells.joined("postcode", "city")),
    ]


@dataclass(frozen=True)
class Row:
    record: Any
    cells: list[tuple[SafeString | str, str]]  # (HTML, CSS class) of each shown column; none on cards
    css: str = ""
    actions: SafeString | str = ""


@dataclass(frozen=True)
class RowActions:
    """The buttons of each row or card: take charge, schedule an event, send an e-mail.

    "Take charge" submits the bulk form with `take=<pk>`: one form per page, not one per row.
    """

    event_kind: str  # the query parameter of a new event about the record: lead, contact…
    email_kind: str = ""  # the kind of record_email, for records that can be e-mailed

    def renderer(self, request: AuthenticatedRequest) -> Callable[[Any], SafeString]:
        user_pk = request.user.pk
        event_url = reverse("event_create")
        take = _("Take charge")
        take_title, event, event_title = _("Assign to me"), _("Event"), _("Schedule an event")
        email, email_title = _("E-mail"), _("Send an e-mail")

        def render(record: Any) -> SafeString:
            parts = []
            if record.assigned_user_id != user_pk:
                parts.append(
                    format_html(
                        '<button type="submit" form="bulk-form" name="take" value="{}" class="button small" '
                        'title="{}">{}</button>',
                        record.pk,
                        take_title,
                        take,
                    )
                )
            parts.append(
                format_html(
                    '<a class="button small" href="{}?{}={}" title="{}">{}</a>',
                    event_url,
                    self.event_kind,
                    record.pk,
                    event_title,
                    event,
                )
            )
            if self.email_kind and record.email and not record.do_not_email:
                url = reverse("record_email", args=[self.email_kind, record.pk])
                parts.append(
                    format_html(
                        '<a class="button small" href="{}" title="{}">{}</a>', url, email_title, email
                    )
                )
            return format_html('<span class="row-actions-inner">{}</span>', mark_safe("".join(parts)))

        return render


class RecordListView(ListView):
    template_name = "crm/record_list.html"
    paginator_class = CappedPaginator
    row_template = ""  # lists without a `list_key` draw their rows with a template
    card_template = ""  # set: the list also has a cards view (?view=cards)
    card_related: tuple[str, ...] = ()
    card_prefetch: tuple[str, ...] = ()
    row_actions: "RowActions | None" = None
    kanban_url_name = ""
    list_key = ""  # set: rows are drawn from the columns, which each user may choose
    bulk_actions: BulkActions | None = None
    filterset_class: type[FilterSet]
    columns: list[Column] = []
    default_sort = ""
    title: Any = ""
    create_url_name = ""

    request: AuthenticatedRequest  # type: ignore[assignment]

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        raise NotImplementedError

    def row_css(self, record: Any) -> str:
        return ""

    def kanban_url(self) -> str:
        return reverse(self.kanban_url_name) if self.kanban_url_name else ""

    # Reading ------------------------------------------------------------------------------------

    @property
    def cards(self) -> bool:
        return bool(self.card_template) and self.request.GET.get("view") == CARDS

    @cached_property
    def shown_columns(self) -> list[Column]:
        if not self.list_key:
            return self.columns
        layout = ListLayout.objects.filter(user=self.request.user, list_key=self.list_key).first()
        chosen = set(layout.columns) if layout else None
        return [
            column
            for column in self.columns
            if not column.hideable or (column.key in chosen if chosen is not None else column.default)
        ]

    def get_paginate_by(self, queryset: QuerySet) -> int:
        try:
            size = int(self.request.GET.get("per_page", ""))
        except ValueError:
            return settings.CRM_LIST_PAGE_SIZE
        return size if size in PAGE_SIZES else settings.CRM_LIST_PAGE_SIZE

    def sort_key(self) -> str:
        requested = self.request.GET.get("sort", "")
        allowed = {column.sort for column in self.columns if column.sort}
        return requested if requested.lstrip("-") in allowed else self.default_sort

    def get_queryset(self) -> QuerySet:
        self.filterset = self.filterset_class(self.request.GET or None, queryset=self.base_queryset())
        queryset = (
            self.filterset.qs
            if self.filterset.is_bound and self.filterset.is_valid()
            else self.base_queryset()
        )
        queryset = self.search(queryset, self.request.GET.get("q", ""))
        queryset = _joined(queryset, *self._shown_relations())
        sort = self.sort_key()
        return queryset.order_by(sort, "-pk" if sort.startswith("-") else "pk")

    def _shown_relations(self) -> tuple[list[str], list[str]]:
        """What the shown cells or cards need joined (select_related) and prefetched."""
        if self.cards:
            return list(self.card_related), list(self.card_prefetch)
        if not self.list_key:
            return [], []
        shown = self.shown_columns
        related = sorted({name for column in shown for name in column.related})
        return related, sorted({name for column in shown for name in column.prefetch})

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["crm/_record_list_results.html"]
        return [self.template_name]

    def rows(self, records: list[Any]) -> list[Row]:
        shown = [] if self.cards else [column for column in self.shown_columns if column.render is not None]
        actions = self.row_actions.renderer(self.request) if self.row_actions else None
        return [
            Row(
                record,
                [(column.render(record), column.css) for column in shown],  # type: ignore[misc]
                self.row_css(record),
                actions(record) if actions else "",
            )
            for record in records
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        view_params = params.copy()
        view_params.pop("view", None)
        view_query = view_params.urlencode()
        context.update(
            {
                "filter": self.filterset,
                "columns": self.shown_columns,
                "current_sort": self.sort_key(),
                "query": self.request.GET.get("q", ""),
                "row_template": self.row_template,
                "title": self.title,
                "create_url_name": self.create_url_name,
                "page_query": params.urlencode(),
                "sort_query": sort_params.urlencode(),
                "view_urls": self.view_urls(view_query),
                "page_sizes": PAGE_SIZES,
                "cards": self.cards,
                "card_template": self.card_template,
                "row_actions": self.row_actions is not None,
                "bulk": self.bulk_actions.context(self.request) if self.bulk_actions else None,
            }
        )
        if self.list_key:
            context["rows"] = self.rows(list(context["object_list"]))
        if self.list_key and not self.cards:
            shown = {column.key for column in self.shown_columns}
            context["column_choices"] = [
                (column, column.key in shown) for column in self.columns if column.hideable
            ]
        return context

    def view_urls(self, query: str) -> dict[str, str]:
        """The list, cards and Kanban views of the same records (same filters)."""
        path = self.request.path
        urls = {"list": f"{path}?{query}" if query else path, "current": CARDS if self.cards else "list"}
        if self.card_template:
            urls[CARDS] = f"{path}?{query}&view={CARDS}" if query else f"{path}?view={CARDS}"
        kanban = self.kanban_url()
        if kanban:
            urls["kanban"] = f"{kanban}?{query}" if query else kanban
        return urls

    # Writing: the column chooser and the bulk actions post to the list itself -------------------

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = redirect(request.get_full_path())
        if "layout" in request.POST and self.list_key:
            self._save_layout(request)
        elif self.bulk_actions is not None:
            self.bulk_actions.run(request)
        return back

    def _save_layout(self, request: AuthenticatedRequest) -> None:
        if request.POST["layout"] == "reset":
            list_layout_reset(user=request.user, list_key=self.list_key)
            return
        known = [column.key for column in self.columns if column.hideable]
        try:
            list_layout_save(
                user=request.user,
                list_key=self.list_key,
                columns=request.POST.getlist("columns"),
                known=known,
            )
        except WorkflowRefused as refusal:
            messages.error(request, str(refusal))


def _joined(queryset: QuerySet, related: list[str], prefetch: list[str]) -> QuerySet:
    # select_related() without a name would join every non-null foreign key instead of none.
    if related:
        queryset = queryset.select_related(*related)
    return queryset.prefetch_related(*prefetch) if prefetch else queryset


class ScopedListView(RecordListView):
    """A list offered in several scopes ("my", "open", "closed", all), each with its own URL name.

    The URL of scope "x" is named `<url_name_prefix>_x`, and the "all" scope is `<url_name_prefix>`.
    """

    scope: Any
    scope_titles: dict[Any, Any] = {}
    url_name_prefix = ""

    @property
    def title(self) -> Any:  # type: ignore[override]
        return self.scope_titles[self.scope]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["scopes"] = [
            (
                self.url_name_prefix if scope.value == "all" else f"{self.url_name_prefix}_{scope.value}",
                title,
                scope == self.scope,
            )
            for scope, title in self.scope_titles.items()
        ]
        return context
