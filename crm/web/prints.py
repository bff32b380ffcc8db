"""Printed documents (PDF): the lead report, the third-party sheet and the contact envelope (SPEC §4).

A third party's sheet and a contact's envelope are in the record's language; the lead report, an
internal document, is in the language of the person printing it.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from crm import selectors
from crm.models import Address, Contact, PostalAddress
from crm.pdf import render_pdf
from crm.visibility import visible_records
from leads.selectors import lead_detail
from opportunities.models import Opportunity, OpportunityStage

from .http import AuthenticatedRequest

LEAD_ACTIVITY_ENTRIES = 10


@require_GET
def lead_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lead = _visible_or_404(lead_detail, user=request.user, pk=pk)
    context = {
        "lead": lead,
        "activity": selectors.activity_for(lead, limit=LEAD_ACTIVITY_ENTRIES),
        "generated_at": timezone.now(),
    }
    language = translation.get_language() or "fr"
    pdf = render_pdf("prints/lead_report.html", context, language=language)
    return _pdf_response(pdf, filename=f"lead-{lead.pk}-{slugify(lead.full_name)}.pdf", language=language)


@require_GET
def third_party_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    third_party = _visible_or_404(selectors.third_party_detail, user=request.user, pk=pk)
    open_opportunities = visible_records(
        Opportunity.objects.filter(third_party=third_party, stage=OpportunityStage.OPEN), user=request.user
    )
    context = {
        "third_party": third_party,
        "addresses": list(third_party.addresses.all()),
        "contacts": list(selectors.third_party_contacts(third_party=third_party, user=request.user)),
        "subsidiaries": list(selectors.third_party_subsidiaries(third_party=third_party, user=request.user)),
        "opportunities": list(
            open_opportunities.select_related("status").order_by(
                F("expected_close_date").asc(nulls_last=True), "pk"
            )
        ),
        "generated_at": timezone.now(),
    }
    pdf = render_pdf("prints/third_party_sheet.html", context, language=third_party.language)
    filename = f"{third_party.reference}-{slugify(third_party.name)}.pdf"
    return _pdf_response(pdf, filename=filename, language=third_party.language)


@require_GET
def contact_envelope(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = _visible_or_404(selectors.contact_detail, user=request.user, pk=pk)
    context = {
        "contact": contact,
        "address": envelope_address(contact),
        "sender": request.user.active_company,
    }
    pdf = render_pdf("prints/contact_envelope.html", context, language=contact.language)
    filename = f"envelope-{slugify(contact.full_name)}.pdf"
    return _pdf_response(pdf, filename=filename, language=contact.language)


def envelope_address(contact: Contact) -> PostalAddress | None:
    """The contact's own address; without one, their main third party's default (else first) address."""
    if any((contact.line1, contact.line2, contact.postcode, contact.city)):
        return contact
    if contact.main_third_party_id is None:
        return None
    # Addresses are ordered default first.
    return Address.objects.filter(third_party=contact.main_third_party_id).first()


def _visible_or_404(selector: Callable[..., Any], **kwargs: Any) -> Any:
    """The selectors raise DoesNotExist for the records the user may not see: both answer 404."""
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _pdf_response(pdf: bytes, *, filename: str, language: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=False, filename=filename)
    response["Content-Disposition"] = disposition or "inline"
    response["Content-Language"] = language
    return response
