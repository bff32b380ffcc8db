"""Scoring stars on the lead, third-party and opportunity pages (SPEC §4).

A click on star n sets the scoring to n (on the current star: back to 0) through the record's update
service, with the version the page was opened at: the change is recorded in the Activity and a stale
page is refused. With htmx the stars are swapped in place and the page's other forms learn the new
version; without, it is a plain form post that comes back to the record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from crm import selectors
from crm.models import ThirdParty
from crm.services.parties import third_party_update
from leads.models import Lead
from leads.selectors import lead_detail
from leads.services import lead_edit_refusal, lead_update
from opportunities.models import Opportunity
from opportunities.selectors import opportunity_detail
from opportunities.services import opportunity_update

from .http import AuthenticatedRequest
from .pages import REFUSALS

MAX_SCORE = 5
VERSION_CHANGED_EVENT = "crm:version-changed"

ScoredRecord = Lead | ThirdParty | Opportunity


@dataclass(frozen=True)
class ScoredKind:
    """How to read and update one kind of record; `editable` mirrors its update service's refusals."""

    detail: Callable[..., Any]
    update: Callable[..., Any]
    editable: Callable[[Any], bool] = lambda record: True


SCORED_KINDS = {
    "lead": ScoredKind(lead_detail, lead_update, editable=lambda lead: not lead_edit_refusal(lead)),
    "third_party": ScoredKind(selectors.third_party_detail, third_party_update),
    "opportunity": ScoredKind(opportunity_detail, opportunity_update),
}


@dataclass(frozen=True)
class Star:
    number: int
    filled: bool
    current: bool

    @property
    def value(self) -> int:
        """The scoring a click sets: this star's number, or 0 when it is the current scoring."""
        return 0 if self.current else self.number


@dataclass(frozen=True)
class ScoringWidget:
    url: str
    score: int
    version: int
    editable: bool
    error: str = ""

    @property
    def stars(self) -> list[Star]:
        return [
            Star(number=n, filled=n <= self.score, current=n == self.score) for n in range(1, MAX_SCORE + 1)
        ]


def scoring_widget(kind: str, record: ScoredRecord, *, error: str = "") -> ScoringWidget:
    """The stars of a record page (template crm/_scoring.html)."""
    return ScoringWidget(
        url=reverse(f"{kind}_scoring", args=[record.pk]),
        score=record.scoring,
        version=record.version,
        editable=SCORED_KINDS[kind].editable(record) and "scoring" not in record.locked_fields,
        error=error,
    )


class ScoringForm(forms.Form):
    scoring = forms.IntegerField(min_value=0, max_value=MAX_SCORE)
    version = forms.IntegerField(min_value=1)


def _record_or_404(request: AuthenticatedRequest, kind: str, pk: int) -> ScoredRecord:
    try:
        return SCORED_KINDS[kind].detail(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@require_POST
def record_scoring(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    record = _record_or_404(request, kind, pk)
    form = ScoringForm(request.POST)
    if not form.is_valid():
        return _refused(request, kind, record, _("Choose a scoring from 0 to 5 stars."), status=400)
    try:
        SCORED_KINDS[kind].update(
            **{kind: record},
            user=request.user,
            fields={"scoring": form.cleaned_data["scoring"]},
            expected_version=form.cleaned_data["version"],
        )
    except REFUSALS as error:
        refusal = str(error)
    except ValidationError as error:
        refusal = " ".join(error.messages)
    else:
        return _changed(request, kind, record)
    # The refused update may have changed the object in memory: show the stored record.
    return _refused(request, kind, _record_or_404(request, kind, pk), refusal, status=409)


def _changed(request: AuthenticatedRequest, kind: str, record: ScoredRecord) -> HttpResponse:
    if not getattr(request, "htmx", False):
        messages.success(request, _stars_text(record.scoring))
        return redirect(record)
    context = {
        "scoring": scoring_widget(kind, record),
        "activity": selectors.activity_for(record),
        "counts": selectors.record_tab_counts(user=request.user, record=record, tabs=["activity"]),
    }
    response = render(request, "crm/_scoring_changed.html", context)
    return trigger_client_event(response, VERSION_CHANGED_EVENT, {"version": record.version})


def _refused(
    request: AuthenticatedRequest, kind: str, record: ScoredRecord, refusal: str, *, status: int
) -> HttpResponse:
    if not getattr(request, "htmx", False):
        messages.error(request, refusal)
        return redirect(record)
    context = {"scoring": scoring_widget(kind, record, error=refusal)}
    return render(request, "crm/_scoring.html", context, status=status)


def _stars_text(score: int) -> str:
    return ngettext(
        "Scoring set to %(count)d star out of 5.", "Scoring set to %(count)d stars out of 5.", score
    ) % {"count": score}
