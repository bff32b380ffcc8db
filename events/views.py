"""Event pages (SPEC §5.1–5.3): lists, calendar, detail, the form with its recurrence wizard, the Events
section of the record pages, and the ICS feed a calendar application subscribes to."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, F, Model, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from crm.models import Contact, ThirdParty, User
from crm.selectors import activity_for
from crm.services.records import ConcurrentUpdateError
from crm.visibility import visible_records
from crm.web.http import AuthenticatedRequest
from crm.web.lists import Column, RecordListView
from crm.web.pages import owner_initial, redirect_back
from crm.workflow import WorkflowRefused
from leads.filters import search_leads
from leads.models import Lead
from opportunities.models import Opportunity

from . import selectors
from .filters import EventFilterSet, local_midnight, search_events
from .forms import CancelForm, EventForm, GuestForm, RecurrenceForm, ReminderForm, as_date
from .ics import calendar_for
from .models import Event, EventGuest, EventType, GuestResponse, Reminder
from .services import (
    DEFAULT_DURATION,
    LINK_FIELDS,
    EditScope,
    calendar_feed_token_used,
    event_cancel,
    event_create,
    event_done,
    event_guest_add,
    event_guest_remove,
    event_guest_respond,
    event_recurrence_set,
    event_update,
    links_from_record,
    reminder_create,
    reminder_delete,
)

REFUSALS = (WorkflowRefused, ConcurrentUpdateError)
# The records an event is created from, by query-string name (`?lead=12`), most specific first.
ORIGINS: dict[str, type[Model]] = {
    "opportunity": Opportunity,
    "lead": Lead,
    "contact": Contact,
    "third_party": ThirdParty,
}
# What a record's Events section offers to create (seed 003: "Onglet Événement").
RECORD_EVENT_LINKS = (
    (EventType.MEETING.value, gettext_lazy("New meeting")),
    (EventType.CALL.value, gettext_lazy("New call")),
    (EventType.TASK.value, gettext_lazy("New task")),
    (EventType.NOTE.value, gettext_lazy("New note")),
)
SECTION_LIMIT = 20
LOOKUP_LIMIT = 20


def _event_or_404(request: AuthenticatedRequest, pk: int) -> Event:
    try:
        return selectors.event_detail(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def _visible_or_404(model: type[Model], *, user: User, pk: Any) -> Model:
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    record = visible_records(model._default_manager.filter(pk=key), user=user).first()
    if record is None:
        raise Http404
    return record


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _put_errors(error: ValidationError, *targets: forms.BaseForm) -> None:
    """A service's refusal, each message beside its field in whichever form has that field."""
    if not hasattr(error, "error_dict"):
        targets[0].add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        owner = next((form for form in targets if name in form.fields), None)
        (owner or targets[0]).add_error(name if owner else None, field_messages)


def _save(form: forms.BaseForm, call: Callable[[], Any], *others: forms.BaseForm) -> Any:
    """Run the services of a valid form in one transaction; None (and the errors on the forms) if refused."""
    try:
        with transaction.atomic():
            return call()
    except REFUSALS as refusal:
        form.add_error(None, str(refusal))
    except ValidationError as error:
        _put_errors(error, form, *others)
    return None


def _forms_valid(form: EventForm, recurrence_form: RecurrenceForm | None) -> bool:
    valid = form.is_valid()
    if recurrence_form is None:
        return valid
    valid = recurrence_form.is_valid() and valid
    if valid and recurrence_form.repeats:
        return recurrence_form.check_occurrences(start=form.cleaned_data["start"])
    return valid


def _summary_of(form: EventForm, recurrence_form: RecurrenceForm | None) -> str:
    """The wizard's summary when a posted form comes back with errors; "" when it does not repeat."""
    if recurrence_form is None or not recurrence_form.is_bound or not recurrence_form.is_valid():
        return ""
    if not recurrence_form.repeats:
        return ""
    start = form.cleaned_data.get("start") if hasattr(form, "cleaned_data") else None
    return recurrence_form.summary(start=start)


# Lists ---------------------------------------------------------------------------------------------


class EventListView(RecordListView):
    template_name = "events/event_list.html"
    filterset_class = EventFilterSet
    row_template = "events/_event_row.html"
    create_url_name = "event_create"
    default_sort = "start"
    mine = False
    columns = [
        Column(gettext_lazy("Start"), "start"),
        Column(gettext_lazy("Subject"), "subject"),
        Column(gettext_lazy("Type"), "type"),
        Column(gettext_lazy("Category")),
        Column(gettext_lazy("Linked to")),
        Column(gettext_lazy("Assigned to"), "assigned_user__username"),
        Column(gettext_lazy("Status"), "status"),
        Column(""),
    ]

    def base_queryset(self) -> Any:
        return selectors.event_list(user=self.request.user, mine=self.mine)

    def search(self, queryset: Any, text: str) -> Any:
        return search_events(queryset, text)

    @property
    def title(self) -> Any:  # type: ignore[override]
        return gettext_lazy("My events") if self.mine else gettext_lazy("All events")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["scopes"] = [
            ("event_list_my", gettext_lazy("My events"), self.mine),
            ("event_list", gettext_lazy("All events"), not self.mine),
        ]
        return context


# One event -----------------------------------------------------------------------------------------


def _detail_page(
    request: AuthenticatedRequest,
    event: Event,
    *,
    reminder_form: ReminderForm | None = None,
    guest_form: GuestForm | None = None,
) -> HttpResponse:
    guests = list(event.guests.all())
    context = {
        "event": event,
        "guests": guests,
        "responses": [
            (GuestResponse.YES, _("Yes")),
            (GuestResponse.MAYBE, _("Maybe")),
            (GuestResponse.NO, _("No")),
        ],
        "reminders": list(event.reminders.all()),
        "reminder_form": reminder_form or ReminderForm(),
        "guest_form": guest_form or GuestForm(user=request.user, event=event),
        "activity": activity_for(event),
    }
    bound = reminder_form is not None or guest_form is not None
    return render(request, "events/detail.html", context, status=400 if bound else 200)


@require_GET
def event_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _event_or_404(request, pk))


def _create_initial(request: AuthenticatedRequest, origin: Model | None) -> dict[str, Any]:
    initial: dict[str, Any] = owner_initial(request)
    if request.GET.get("type") in EventType.values:
        initial["type"] = request.GET["type"]
    day = as_date(request.GET.get("date", ""))
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, time(9)))
    else:
        start = (timezone.localtime() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    initial.update(start=start, end=start + DEFAULT_DURATION)
    if origin is not None:
        for name, value in links_from_record(origin).items():
            if name in (*LINK_FIELDS, "company") and value is not None:
                initial[name] = value.pk
    return initial


def _origin(request: AuthenticatedRequest) -> Model | None:
    """The record the event is created from (`?lead=12`…); 404 if the user may not see it."""
    for name, model in ORIGINS.items():
        if request.GET.get(name):
            return _visible_or_404(model, user=request.user, pk=request.GET[name])
    return None


@require_http_methods(["GET", "POST"])
def event_create_view(request: AuthenticatedRequest) -> HttpResponse:
    origin = _origin(request)
    form = EventForm(request.POST or None, user=request.user, initial=_create_initial(request, origin))
    recurrence_form = RecurrenceForm(request.POST or None)
    if form.is_bound and _forms_valid(form, recurrence_form):
        event = _save(
            form,
            lambda: event_create(
                user=request.user,
                fields=form.service_fields(),
                origin=origin,
                recurrence=recurrence_form.arguments() if recurrence_form.repeats else None,
            ),
            recurrence_form,
        )
        if event:
            messages.success(request, _("Event %(subject)s created.") % {"subject": event.subject})
            return redirect("event_detail", event.pk)
    context = {
        "form": form,
        "recurrence_form": recurrence_form,
        "recurrence_summary": _summary_of(form, recurrence_form),
        "origin": origin,
    }
    return render(request, "events/form.html", context, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def event_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    # A single planned event may become the first of a series; a series keeps its rule.
    recurrence_form = (
        RecurrenceForm(request.POST or None) if event.is_planned and not event.is_recurring else None
    )

    def save() -> Event:
        saved = event_update(
            event=event,
            user=request.user,
            fields=form.changed_service_fields(),
            scope=form.edit_scope(),
            expected_version=form.cleaned_data.get("version"),
        )
        if recurrence_form is not None and recurrence_form.repeats:
            event_recurrence_set(event=saved, user=request.user, **recurrence_form.arguments())
        return saved

    if form.is_bound and _forms_valid(form, recurrence_form):
        extra = (recurrence_form,) if recurrence_form is not None else ()
        saved = _save(form, save, *extra)
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect("event_detail", saved.pk)
    context = {
        "form": form,
        "recurrence_form": recurrence_form,
        "recurrence_summary": _summary_of(form, recurrence_form),
        "event": event,
    }
    return render(request, "events/form.html", context, status=400 if form.is_bound else 200)


@require_GET
def event_recurrence_summary(request: AuthenticatedRequest) -> HttpResponse:
    """The readable summary of the wizard's current values, for the form's live preview (htmx)."""
    recurrence_form = RecurrenceForm(request.GET)
    if not recurrence_form.is_valid():
        errors = [error for field_errors in recurrence_form.errors.values() for error in field_errors]
        return HttpResponse(
            format_html_join(" ", '<span class="field-error">{}</span>', ((e,) for e in errors))
        )
    if not recurrence_form.repeats:
        return HttpResponse(_("Does not repeat."))
    summary = recurrence_form.summary(start=_start_or_none(request.GET.get("start", "")))
    return HttpResponse(format_html("<strong>{}</strong>", summary))


def _start_or_none(value: str) -> datetime | None:
    try:
        return forms.DateTimeField(required=False).clean(value)
    except ValidationError:
        return None


@require_POST
def event_done_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    try:
        event_done(event=event, user=request.user, expected_version=_version(request))
    except REFUSALS as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Event %(subject)s done.") % {"subject": event.subject})
    return redirect_back(request, reverse("event_detail", args=[event.pk]))


@require_http_methods(["GET", "POST"])
def event_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Cancel at once a single event; for an occurrence of a series, ask which ones first."""
    event = _event_or_404(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and not event.is_recurring:
        form = CancelForm({"scope": EditScope.THIS.value})
    if form.is_bound and form.is_valid():
        try:
            event_cancel(
                event=event,
                user=request.user,
                scope=EditScope(form.cleaned_data["scope"]),
                expected_version=_version(request),
            )
        except REFUSALS as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Event %(subject)s cancelled.") % {"subject": event.subject})
        return redirect_back(request, reverse("event_detail", args=[event.pk]))
    context = {"event": event, "form": form, "next": _safe_next(request, request.GET.get("next", ""))}
    return render(request, "events/cancel.html", context, status=400 if form.is_bound else 200)


# Guests and reminders ------------------------------------------------------------------------------


@require_POST
def event_guest_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    form = GuestForm(request.POST, user=request.user, event=event)
    if form.is_valid():
        guest = _save(
            form,
            lambda: event_guest_add(
                event=event,
                user=request.user,
                guest_user=form.cleaned_data["user"],
                guest_contact=form.cleaned_data["contact"],
                scope=EditScope(form.cleaned_data.get("scope") or EditScope.THIS),
            ),
        )
        if guest:
            messages.success(request, _("%(guest)s invited.") % {"guest": guest})
            return redirect(reverse("event_detail", args=[event.pk]) + "#guests")
    return _detail_page(request, _event_or_404(request, pk), guest_form=form)


@require_POST
def event_guest_respond_view(request: AuthenticatedRequest, pk: int, guest_pk: int) -> HttpResponse:
    """A user answers their own invitation."""
    event = _event_or_404(request, pk)
    guest = get_object_or_404(EventGuest, pk=guest_pk, event=event, user=request.user)
    try:
        event_guest_respond(guest=guest, user=request.user, response=request.POST.get("response", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect(reverse("event_detail", args=[event.pk]) + "#guests")


@require_POST
def event_guest_remove_view(request: AuthenticatedRequest, pk: int, guest_pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    guest = get_object_or_404(
        EventGuest.objects.select_related("user", "contact", "event"), pk=guest_pk, event=event
    )
    event_guest_remove(guest=guest, user=request.user)
    messages.success(request, _("%(guest)s is no longer invited.") % {"guest": guest})
    return redirect(reverse("event_detail", args=[event.pk]) + "#guests")


@require_POST
def event_reminder_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    form = ReminderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        reminder = _save(
            form,
            lambda: reminder_create(
                event=event,
                user=request.user,
                mode=data["mode"],
                at=data["at"],
                duration=data["duration"],
                unit=data["unit"] or "",
                recipients=data["recipients"],
            ),
        )
        if reminder:
            messages.success(request, _("Reminder added."))
            return redirect(reverse("event_detail", args=[event.pk]) + "#reminders")
    return _detail_page(request, _event_or_404(request, pk), reminder_form=form)


@require_POST
def event_reminder_delete_view(request: AuthenticatedRequest, pk: int, reminder_pk: int) -> HttpResponse:
    """Each user removes their own reminders."""
    event = _event_or_404(request, pk)
    reminder = get_object_or_404(Reminder, pk=reminder_pk, event=event, owner=request.user)
    reminder_delete(reminder=reminder, user=request.user)
    messages.success(request, _("Reminder removed."))
    return redirect(reverse("event_detail", args=[event.pk]) + "#reminders")


# The Events section of a record page ---------------------------------------------------------------


@require_GET
def event_record_section(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    """The events of a lead, third party, contact or opportunity nearest to now, both ways, in one
    query; loaded into the record's page by htmx."""
    model = ORIGINS.get(kind)
    if model is None:
        raise Http404
    record = _visible_or_404(model, user=request.user, pk=pk)
    now = timezone.now()
    distance = Case(
        When(start__gte=now, then=F("start") - Value(now, output_field=DateTimeField())),
        default=Value(now, output_field=DateTimeField()) - F("start"),
        output_field=DurationField(),
    )
    events = list(
        selectors.events_of_record(user=request.user, record=record)
        .annotate(distance=ExpressionWrapper(distance, output_field=DurationField()))
        .order_by("distance", "pk")[: SECTION_LIMIT + 1]
    )
    shown = events[:SECTION_LIMIT]
    context = {
        "record": record,
        "kind": kind,
        "upcoming": sorted((e for e in shown if e.start >= now), key=lambda e: (e.start, e.pk)),
        "past": sorted((e for e in shown if e.start < now), key=lambda e: (e.start, e.pk), reverse=True),
        "more": len(events) > SECTION_LIMIT,
        "types": RECORD_EVENT_LINKS,
        "create_query": urlencode({kind: record.pk}),
        "next": record.get_absolute_url() + "#events",  # type: ignore[attr-defined]
    }
    return render(request, "events/_record_events.html", context)


# Lookups for the event form's links ----------------------------------------------------------------


@require_GET
def event_lead_lookup(request: AuthenticatedRequest) -> HttpResponse:
    leads = search_leads(visible_records(Lead.objects.all(), user=request.user), request.GET.get("q", ""))
    return _options((lead.pk, str(lead)) for lead in leads.order_by("last_name", "pk")[:LOOKUP_LIMIT])


@require_GET
def event_opportunity_lookup(request: AuthenticatedRequest) -> HttpResponse:
    condition = Q()
    for word in request.GET.get("q", "").split():
        condition &= Q(name__icontains=word)
    opportunities = visible_records(Opportunity.objects.filter(condition), user=request.user)
    return _options((item.pk, item.name) for item in opportunities.order_by("name", "pk")[:LOOKUP_LIMIT])


def _options(pairs: Any) -> HttpResponse:
    return HttpResponse(format_html_join("\n", '<option value="{}">{}</option>', pairs))


# Calendar ------------------------------------------------------------------------------------------


ChoiceT = TypeVar("ChoiceT", bound=StrEnum)


class CalendarView(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class CalendarScope(StrEnum):
    MINE = "mine"
    TEAM = "team"


MONTH_DAY_SHOWN = 3  # events listed in a month cell before "+N more"
DAY_HOURS = range(8, 19)  # hours always shown by the day view


@dataclass
class CalendarDay:
    day: date
    in_period: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)

    @property
    def all_day(self) -> list[Event]:
        return [event for event in self.events if _spans_whole_day(event, self.day)]

    @property
    def timed(self) -> list[Event]:
        return [event for event in self.events if not _spans_whole_day(event, self.day)]

    @property
    def hidden_count(self) -> int:
        return max(len(self.events) - MONTH_DAY_SHOWN, 0)


def _spans_whole_day(event: Event, day: date) -> bool:
    """All-day events, and the days of a timed event other than its first (it started earlier)."""
    return event.all_day or timezone.localdate(event.start) != day


def _event_days(event: Event, first: date, last: date) -> list[date]:
    start_day = timezone.localdate(event.start)
    end = timezone.localtime(event.end)
    end_day = end.date()
    if end_day > start_day and end.time() == time.min:
        end_day -= timedelta(days=1)  # ends at midnight: not on the next day
    day, days = max(start_day, first), []
    while day <= min(end_day, last):
        days.append(day)
        day += timedelta(days=1)
    return days


def calendar_bounds(view: CalendarView, anchor: date) -> tuple[date, date, date, date]:
    """First and last day shown, and the dates the previous and next links go to."""
    if view == CalendarView.DAY:
        return anchor, anchor, anchor - timedelta(days=1), anchor + timedelta(days=1)
    if view == CalendarView.WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return monday, monday + timedelta(days=6), anchor - timedelta(days=7), anchor + timedelta(days=7)
    first_of_month = anchor.replace(day=1)
    next_month = (first_of_month + timedelta(days=32)).replace(day=1)
    last_of_month = next_month - timedelta(days=1)
    first = first_of_month - timedelta(days=first_of_month.weekday())
    last = last_of_month + timedelta(days=6 - last_of_month.weekday())
    previous_month = (first_of_month - timedelta(days=1)).replace(day=1)
    return first, last, previous_month, next_month


def _calendar_events(user: User, scope: CalendarScope, first: date, last: date) -> list[Event]:
    """Every event shown, in one query."""
    events = selectors.event_list(
        user=user,
        starts_before=local_midnight(last + timedelta(days=1)),
        ends_after=local_midnight(first),
        mine=scope == CalendarScope.MINE,
    )
    if scope == CalendarScope.TEAM:
        members = User.objects.filter(teams__in=user.team_ids).values("pk")
        events = events.filter(Q(assigned_user__in=members) | Q(assigned_user=user.pk))
    return list(events)


def _choice(enum: type[ChoiceT], value: str, *, default: ChoiceT) -> ChoiceT:
    return enum(value) if value in {item.value for item in enum} else default


@require_GET
def event_calendar(request: AuthenticatedRequest) -> HttpResponse:
    view = _choice(CalendarView, request.GET.get("view", ""), default=CalendarView.MONTH)
    scope = _choice(CalendarScope, request.GET.get("scope", ""), default=CalendarScope.MINE)
    today = timezone.localdate()
    anchor = as_date(request.GET.get("date", "")) or today
    first, last, previous, following = calendar_bounds(view, anchor)
    days = {
        first + timedelta(days=offset): CalendarDay(
            day=first + timedelta(days=offset),
            in_period=view != CalendarView.MONTH or (first + timedelta(days=offset)).month == anchor.month,
            is_today=first + timedelta(days=offset) == today,
        )
        for offset in range((last - first).days + 1)
    }
    events = _calendar_events(request.user, scope, first, last)
    for event in events:
        for day in _event_days(event, first, last):
            days[day].events.append(event)
    for calendar_day in days.values():
        calendar_day.events.sort(key=lambda e: (not _spans_whole_day(e, calendar_day.day), e.start, e.pk))
    ordered = list(days.values())

    def link(**changes: Any) -> str:
        params = {"view": view.value, "date": anchor.isoformat(), "scope": scope.value, **changes}
        return "?" + urlencode({key: str(value) for key, value in params.items()})

    context = {
        "view": view.value,
        "scope": scope.value,
        "anchor": anchor,
        "first": first,
        "last": last,
        "days": ordered,
        "has_events": bool(events),
        "weeks": [ordered[index : index + 7] for index in range(0, len(ordered), 7)],
        "hours": _day_hours(ordered[0]) if view == CalendarView.DAY else [],
        "previous_url": link(date=previous.isoformat()),
        "next_url": link(date=following.isoformat()),
        "today_url": link(date=today.isoformat()),
        "view_urls": [
            (CalendarView.DAY.value, _("Day"), link(view=CalendarView.DAY.value)),
            (CalendarView.WEEK.value, _("Week"), link(view=CalendarView.WEEK.value)),
            (CalendarView.MONTH.value, _("Month"), link(view=CalendarView.MONTH.value)),
        ],
        "scope_urls": [
            (CalendarScope.MINE.value, _("My events"), link(scope=CalendarScope.MINE.value)),
            (CalendarScope.TEAM.value, _("My team"), link(scope=CalendarScope.TEAM.value)),
        ],
        "month_shown": MONTH_DAY_SHOWN,
    }
    return render(request, "events/calendar.html", context)


def _day_hours(calendar_day: CalendarDay) -> list[tuple[int, list[Event]]]:
    """The day view's rows: business hours, plus any other hour an event starts in."""
    by_hour: dict[int, list[Event]] = {hour: [] for hour in DAY_HOURS}
    for event in calendar_day.timed:
        by_hour.setdefault(timezone.localtime(event.start).hour, []).append(event)
    return sorted(by_hour.items())


# ICS feed ------------------------------------------------------------------------------------------


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's events as text/calendar; the secret token in the address is the authentication."""
    feed_token = selectors.calendar_feed_token_find(raw_token=token)
    if feed_token is None:
        raise Http404
    calendar_feed_token_used(token=feed_token)
    calendar = calendar_for(user=feed_token.user, events=selectors.events_for_feed(user=feed_token.user))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="crm.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
