"""Reads for e-mails (SPEC §4): the records one can e-mail, the templates offered, the filters of the
"Sent e-mails" list, and who sees which sent e-mail — always through crm.visibility."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.models import Contact, Role, SentEmail, SentEmailStatus, User
from crm.selectors import contact_detail
from crm.visibility import visible_records
from events.models import MessageMedia, MessageTemplate
from leads.models import Lead
from leads.selectors import lead_detail

# The URL's word for each kind of record that can receive an e-mail.
RECORD_KINDS: dict[str, type[Lead] | type[Contact]] = {"lead": Lead, "contact": Contact}
# Templates sent by the CRM itself, with placeholders (event, catalog) a free e-mail cannot fill.
SYSTEM_TEMPLATES = (MessageTemplate.EVENT_REMINDER, MessageTemplate.CATALOG_SENDING)
SENT_EMAIL_RELATED = ("sender", "content_type")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def emailable_record(*, user: User, kind: str, pk: int) -> Lead | Contact:
    """The lead or contact if the user may see it; raises ObjectDoesNotExist otherwise."""
    if kind == "lead":
        return lead_detail(user=user, pk=pk)
    if kind == "contact":
        return contact_detail(user=user, pk=pk)
    raise Contact.DoesNotExist(f"No record kind {kind!r}.")


def record_kind(record: Lead | Contact) -> str:
    return "lead" if isinstance(record, Lead) else "contact"


def email_templates() -> QuerySet[MessageTemplate]:
    """The message templates a user can start an e-mail from."""
    return MessageTemplate.objects.filter(media=MessageMedia.EMAIL).exclude(name__in=SYSTEM_TEMPLATES)


def visible_sent_emails(*, user: User) -> QuerySet[SentEmail]:
    """The e-mails the user sent, plus those of every record they can see (all of them for an admin)."""
    emails = SentEmail.objects.all()
    if not user.is_authenticated or not user.is_active:
        return emails.none()
    if user.role == Role.ADMIN:
        return emails
    condition = Q(sender=user.pk)
    for model in RECORD_KINDS.values():
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=visible_records(model.objects.all(), user=user).values("pk"),
        )
    return emails.filter(condition)


def sent_email_list(*, user: User) -> QuerySet[SentEmail]:
    """The "Sent e-mails" page: a rep's own e-mails; every visible one for managers and admins.

    The records are prefetched (one query per kind of record), so the page size does not change the
    number of queries.
    """
    if user.role == Role.REP:
        emails = SentEmail.objects.filter(sender=user.pk)
    else:
        emails = visible_sent_emails(user=user)
    return emails.select_related(*SENT_EMAIL_RELATED).prefetch_related("record")


def sent_email_detail(*, user: User, pk: int) -> SentEmail:
    """One sent e-mail if the user may see it; raises SentEmail.DoesNotExist otherwise."""
    return visible_sent_emails(user=user).select_related(*SENT_EMAIL_RELATED).get(pk=pk)


def record_sent_emails(*, record: Lead | Contact, limit: int = 20) -> list[SentEmail]:
    """The record's e-mails, newest first (whoever sent them: the record itself is visible)."""
    emails = SentEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("sender")
    return list(emails[:limit])


class SentEmailFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SentEmailStatus.choices)
    kind = django_filters.ChoiceFilter(
        label=_("Sent to"),
        choices=[("lead", _("Leads")), ("contact", _("Contacts"))],
        method="filter_kind",
    )
    sender = django_filters.ModelChoiceFilter(
        label=_("Sent by"), queryset=User.objects.filter(is_active=True)
    )
    sent_after = django_filters.DateFilter(
        label=_("Sent from"), field_name="sent_at", lookup_expr="date__gte", widget=DATE_INPUT
    )
    sent_before = django_filters.DateFilter(
        label=_("Sent until"), field_name="sent_at", lookup_expr="date__lte", widget=DATE_INPUT
    )

    class Meta:
        model = SentEmail
        fields: list[str] = []

    def filter_kind(self, queryset: QuerySet[SentEmail], name: str, value: str) -> QuerySet[SentEmail]:
        model = RECORD_KINDS[value]
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))


def search_sent_emails(queryset: QuerySet[SentEmail], text: str) -> QuerySet[SentEmail]:
    condition = Q()
    for word in text.split():
        condition &= Q(subject__icontains=word) | Q(recipient__icontains=word)
    return queryset.filter(condition)
