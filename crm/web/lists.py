"""The list page machinery shared by every entity: visibility, filters, search, sorting, pagination."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.views.generic import ListView
from django_filters import FilterSet

from .http import AuthenticatedRequest

PAGE_SIZES = (10, 25, 50, 100)


@dataclass(frozen=True)
class Column:
    label: Any
    sort: str = ""  # an ordering expression, e.g. "name"; empty: not sortable


class RecordListView(ListView):
    template_name = "crm/record_list.html"
    row_template = ""
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
        sort = self.sort_key()
        return queryset.order_by(sort, "-pk" if sort.startswith("-") else "pk")

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["crm/_record_list_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        context.update(
            {
                "filter": self.filterset,
                "columns": self.columns,
                "current_sort": self.sort_key(),
                "query": self.request.GET.get("q", ""),
                "row_template": self.row_template,
                "title": self.title,
                "create_url_name": self.create_url_name,
                "page_query": params.urlencode(),
                "sort_query": sort_params.urlencode(),
                "page_sizes": PAGE_SIZES,
            }
        )
        return context


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
