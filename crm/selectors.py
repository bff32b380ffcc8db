"""Reads: record lists and detail data, always through crm.visibility."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Func, IntegerField, Model, OuterRef, QuerySet, Subquery

from crm.models import Activity, Address, Contact, SentEmail, ThirdParty, User
from crm.visibility import visible_records

# Free mail providers do not tell which organisation a contact belongs to.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.fr",
        "yahoo.com",
        "yahoo.fr",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "laposte.net",
        "icloud.com",
        "gmx.fr",
        "protonmail.com",
    }
)


def third_party_list(*, user: User) -> QuerySet[ThirdParty]:
    default_address = Address.objects.filter(third_party=OuterRef("pk"), is_default=True)
    return (
        visible_records(ThirdParty.objects.all(), user=user)
        .select_related("assigned_user", "team", "industry_sector")
        .annotate(
            city=Subquery(default_address.values("city")[:1]),
            postcode=Subquery(default_address.values("postcode")[:1]),
        )
    )


def third_party_detail(*, user: User, pk: int) -> ThirdParty:
    """The third party if the user may see it; raises ThirdParty.DoesNotExist otherwise."""
    queryset = visible_records(ThirdParty.objects.all(), user=user).select_related(
        "assigned_user", "team", "industry_sector", "category", "legal_form", "source", "parent"
    )
    return queryset.prefetch_related("companies", "tags").get(pk=pk)


def third_party_contacts(*, third_party: ThirdParty, user: User) -> QuerySet[Contact]:
    return visible_records(third_party.contacts.all(), user=user).select_related("function", "assigned_user")


def third_party_subsidiaries(*, third_party: ThirdParty, user: User) -> QuerySet[ThirdParty]:
    return visible_records(third_party.subsidiaries.all(), user=user)


def contact_list(*, user: User) -> QuerySet[Contact]:
    return visible_records(Contact.objects.all(), user=user).select_related(
        "main_third_party", "function", "assigned_user", "team"
    )


def contact_detail(*, user: User, pk: int) -> Contact:
    queryset = visible_records(Contact.objects.all(), user=user).select_related(
        "main_third_party", "function", "department", "role", "assigned_user", "team"
    )
    return queryset.prefetch_related("companies", "tags").get(pk=pk)


def contact_third_parties(*, contact: Contact, user: User) -> QuerySet[ThirdParty]:
    return visible_records(contact.third_parties.all(), user=user)


def related_contacts(*, contact: Contact, user: User, limit: int = 20) -> list[Contact]:
    """Contacts sharing the contact's email domain (same organisation), free mail providers excluded."""
    if not contact.email_domain or contact.email_domain in PUBLIC_EMAIL_DOMAINS:
        return []
    same_domain = Contact.objects.filter(email_domain=contact.email_domain).exclude(pk=contact.pk)
    return list(visible_records(same_domain, user=user).select_related("main_third_party")[:limit])


@dataclass
class ActivityEntry:
    activity: Activity
    changes: list[dict[str, Any]]


def activity_for(record: Model, *, limit: int = 50) -> list[ActivityEntry]:
    """The record's timeline, newest first, with field labels resolved in the current language."""
    content_type = ContentType.objects.get_for_model(record)
    activities = Activity.objects.filter(content_type=content_type, object_id=record.pk).select_related(
        "actor"
    )
    labels = {field.name: field.verbose_name for field in type(record)._meta.get_fields() if field.concrete}
    return [
        ActivityEntry(
            activity=activity,
            changes=[
                {"label": labels.get(name, name), "before": change["before"], "after": change["after"]}
                for name, change in activity.changes.items()
            ],
        )
        for activity in activities[:limit]
    ]


def record_tab_counts(*, user: User, record: Model, tabs: Iterable[str]) -> dict[str, int]:
    """The count badges of a record page's tabs among "events", "emails" and "activity", in one query
    (the other tabs count the rows they show)."""
    from events.selectors import events_of_record  # events builds on crm

    of_record = {"content_type": ContentType.objects.get_for_model(record), "object_id": record.pk}
    counted = {
        "events": events_of_record(user=user, record=record),
        "emails": SentEmail.objects.filter(**of_record),
        "activity": Activity.objects.filter(**of_record),
    }
    # Aliased: "events" and "activity" may be reverse relations of the record's model.
    counts = {f"{tab}_count": _count(counted[tab]) for tab in tabs}
    row = type(record)._default_manager.filter(pk=record.pk).values(**counts).get()
    return {name.removesuffix("_count"): count for name, count in row.items()}


def _count(queryset: QuerySet) -> Subquery:
    """The number of rows of `queryset` as a scalar subquery: a COUNT that Django does not group by."""
    rows = queryset.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
    return Subquery(rows, output_field=IntegerField())
