"""Reads on catalogs and on the contacts a catalog can be sent to."""

from django.db.models import Q, QuerySet

from crm.filters import search_contacts
from crm.models import Contact, User
from crm.services.emails import EMAILABLE
from crm.visibility import visible_records

from .models import Catalog, CatalogType


def catalog_list() -> QuerySet[Catalog]:
    return Catalog.objects.select_related("type")


def catalog_detail(*, pk: int) -> Catalog:
    return catalog_list().get(pk=pk)


def catalog_types() -> QuerySet[CatalogType]:
    return CatalogType.objects.all()


def search_catalogs(queryset: QuerySet[Catalog], text: str) -> QuerySet[Catalog]:
    condition = Q()
    for word in text.split():
        condition &= Q(name__icontains=word) | Q(description__icontains=word) | Q(type__name__icontains=word)
    return queryset.filter(condition)


def catalog_send_candidates(*, user: User) -> QuerySet[Contact]:
    """The contacts the user may choose from: visible ones (the service skips those who refuse e-mail)."""
    return visible_records(Contact.objects.all(), user=user).select_related("main_third_party")


def catalog_recipients(*, user: User, text: str, limit: int = 20) -> list[Contact]:
    """The lookup's options: visible contacts with an e-mail address who accept e-mails."""
    queryset = search_contacts(visible_records(Contact.objects.filter(EMAILABLE), user=user), text)
    return list(queryset.order_by("last_name", "first_name", "pk")[:limit])
