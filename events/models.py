"""Events (SPEC §2.4, §5): categories, events and their guests, recurrences, reminders, message
templates, and the secret tokens of the per-user ICS feeds."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from crm.models import Company, Contact, Language, OwnedRecord, ThirdParty

from .recurrence import MAX_INTERVAL, RecurrenceEnd, RecurrenceFrequency, recurrence_summary

__all__ = [
    "CalendarFeedToken",
    "CallDirection",
    "Event",
    "EventCategory",
    "EventGuest",
    "EventStatus",
    "EventType",
    "EventVisibility",
    "GuestResponse",
    "MessageMedia",
    "MessageTemplate",
    "RecurrenceEnd",
    "RecurrenceFrequency",
    "Recurrence",
    "Reminder",
    "ReminderMode",
    "ReminderRecipients",
    "ReminderUnit",
]


class EventType(models.TextChoices):
    """Fixed types: each one is a process (reports count calls, the calendar shows absences…)."""

    MEETING = "meeting", _("meeting")
    CALL = "call", _("call")
    TASK = "task", _("task")
    NOTE = "note", _("note")
    ABSENCE = "absence", _("absence")
    EVENT = "event", _("event")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class EventVisibility(models.TextChoices):
    PUBLIC = "public", _("public")
    PRIVATE = "private", _("private")


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("inbound")
    OUTBOUND = "outbound", _("outbound")


class GuestResponse(models.TextChoices):
    NONE = "none", _("no answer yet")
    YES = "yes", _("yes")
    NO = "no", _("no")
    MAYBE = "maybe", _("maybe")


class EventCategory(models.Model):
    """Admin-defined categories within a fixed type ("Rendez-vous client" is a meeting)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9_]+$", _("Capital letters, digits and underscores only."))],
    )
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["type", "name", "pk"]
        indexes = [models.Index(fields=["type", "name"], name="eventcategory_type_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_type(self) -> str:
        """ "Salon (event)": how forms offer a category, the same name being allowed in two types."""
        return f"{self.name} ({self.get_type_display()})"


class Recurrence(models.Model):
    """The rule of a series; its occurrences are real Event rows pointing here (SPEC §5.2)."""

    frequency = models.CharField(_("frequency"), max_length=10, choices=RecurrenceFrequency.choices)
    interval = models.PositiveSmallIntegerField(
        _("repeat every"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_INTERVAL)]
    )
    # Days of the week of a weekly rule, 0 (Monday) to 6 (Sunday).
    weekdays = models.JSONField(_("days of the week"), default=list, blank=True)
    end_mode = models.CharField(_("ends"), max_length=10, choices=RecurrenceEnd.choices)
    count = models.PositiveIntegerField(_("number of occurrences"), null=True, blank=True)
    until = models.DateField(_("end date"), null=True, blank=True)
    start = models.DateTimeField(_("start of the series"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurrence")
        verbose_name_plural = _("recurrences")
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="recurrence_interval_positive"),
            models.CheckConstraint(
                condition=(Q(end_mode="count", count__gte=1, until__isnull=True))
                | Q(end_mode="until", until__isnull=False, count__isnull=True),
                name="recurrence_has_one_end",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        return recurrence_summary(
            frequency=self.frequency,
            interval=self.interval,
            weekdays=self.weekdays,
            count=self.count,
            until=self.until,
        )


class Event(ConcurrentTransitionMixin, OwnedRecord):
    # Foreign keys that lists filter together with a date range are indexed with `start` (see Meta)
    # rather than on their own.
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices, default=EventType.MEETING)
    category = models.ForeignKey(
        EventCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="events",
        verbose_name=_("category"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    status = FSMField(
        _("status"), max_length=20, default=EventStatus.PLANNED, choices=EventStatus.choices, protected=True
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="events",
        verbose_name=_("third party"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="events",
        verbose_name=_("contact"),
    )
    lead = models.ForeignKey(
        "leads.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="events",
        verbose_name=_("lead"),
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="events",
        verbose_name=_("opportunity"),
    )
    # "Related to": any other record (a quote, an order, another event…).
    related_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("related record type"),
    )
    related_object_id = models.PositiveBigIntegerField(_("related record"), null=True, blank=True)
    related_to = GenericForeignKey("related_content_type", "related_object_id")
    location = models.CharField(_("location"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=EventVisibility.choices, default=EventVisibility.PUBLIC
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, db_index=False, verbose_name=_("company")
    )
    call_direction = models.CharField(
        _("call direction"), max_length=10, choices=CallDirection.choices, blank=True
    )
    recurrence = models.ForeignKey(
        Recurrence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="events",
        verbose_name=_("recurrence"),
    )
    occurrence_index = models.PositiveIntegerField(_("occurrence"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["start"], name="event_start"),
            models.Index(fields=["assigned_user", "start"], name="event_user_start"),
            models.Index(fields=["team", "start"], name="event_team_start"),
            models.Index(fields=["company", "start"], name="event_company_start"),
            models.Index(fields=["status", "start"], name="event_status_start"),
            models.Index(fields=["type", "start"], name="event_type_start"),
            models.Index(fields=["category", "start"], name="event_category_start"),
            models.Index(fields=["third_party", "start"], name="event_third_party_start"),
            models.Index(fields=["contact", "start"], name="event_contact_start"),
            models.Index(fields=["lead", "start"], name="event_lead_start"),
            models.Index(fields=["opportunity", "start"], name="event_opportunity_start"),
            models.Index(fields=["related_content_type", "related_object_id"], name="event_related_to"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_end_not_before_start"),
            models.UniqueConstraint(
                fields=["recurrence", "occurrence_index"],
                condition=Q(recurrence__isnull=False),
                name="event_one_row_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_planned(self) -> bool:
        return self.status == EventStatus.PLANNED

    @property
    def is_recurring(self) -> bool:
        return self.recurrence_id is not None

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must not be before the start.")})

    @transition(
        field=status, source=EventStatus.PLANNED, target=EventStatus.DONE, permission="events.change_event"
    )
    def done(self) -> None:
        """Activity is recorded by events.services.event_done."""

    @transition(
        field=status,
        source=EventStatus.PLANNED,
        target=EventStatus.CANCELLED,
        permission="events.change_event",
    )
    def cancel(self) -> None:
        """Pending reminders are skipped by events.services.event_cancel."""


class EventGuest(models.Model):
    """A user or a contact invited to an event, with their answer."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guests", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_invitations",
        verbose_name=_("user"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_invitations",
        verbose_name=_("contact"),
    )
    response = models.CharField(
        _("response"), max_length=10, choices=GuestResponse.choices, default=GuestResponse.NONE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True)
                | Q(user__isnull=True, contact__isnull=False),
                name="eventguest_user_or_contact",
            ),
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="eventguest_unique_user"
            ),
            models.UniqueConstraint(
                fields=["event", "contact"],
                condition=Q(contact__isnull=False),
                name="eventguest_unique_contact",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.contact)

    @property
    def email(self) -> str:
        person: Any = self.user or self.contact
        return person.email if person is not None else ""


class ReminderMode(models.TextChoices):
    AT_DATE = "at_date", _("at a date")
    BEFORE_START = "before_start", _("before the start")


class ReminderUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")


class ReminderRecipients(models.TextChoices):
    ME = "me", _("me")
    EVERYONE = "everyone", _("everyone (me and the guests)")


class Reminder(models.Model):
    """An e-mail sent once at `due_at` (SPEC §5.3); `claimed_at`/`claim_token` make sending exclusive."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, db_index=False, related_name="reminders", verbose_name=_("event")
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ReminderMode.choices)
    at = models.DateTimeField(_("date and time"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("duration"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=ReminderUnit.choices, blank=True)
    recipients = models.CharField(
        _("recipients"), max_length=10, choices=ReminderRecipients.choices, default=ReminderRecipients.ME
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_reminders",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Not sent on purpose: the event was cancelled, nobody has an e-mail, or sending kept failing.
    skipped_at = models.DateTimeField(_("skipped"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # After a failed attempt (SMTP server unreachable…), not before this moment.
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(sent_at__isnull=True, skipped_at__isnull=True),
                name="reminder_pending_due",
            ),
            models.Index(fields=["claim_token"], condition=~Q(claim_token=""), name="reminder_claimed"),
            models.Index(fields=["event", "due_at"], name="reminder_event_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode="at_date", at__isnull=False)
                | Q(mode="before_start", duration__isnull=False, unit__in=ReminderUnit.values),
                name="reminder_mode_has_its_fields",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.skipped_at is None

    def compute_due_at(self, *, event_start: datetime) -> datetime:
        if self.mode == ReminderMode.AT_DATE:
            assert self.at is not None
            return self.at
        assert self.duration is not None
        return event_start - timedelta(**{str(self.unit): self.duration})


class MessageMedia(models.TextChoices):
    EMAIL = "email", _("e-mail")


# Plain-text e-mails: nothing is HTML-escaped ("L'équipe" must not become "L&#x27;équipe").
PLAIN_TEXT_ENGINE = Engine(autoescape=False)
# The objects a template may use; unknown names are refused when the template is saved.
PLACEHOLDER_ROOTS = ("event", "recipient", "sender", "catalog")


class MessageTemplate(models.Model):
    """An admin-editable message ("EventReminder", "Catalog sending"), one row per language.

    Subject, body and signature are Django templates rendered as plain text with placeholders such as
    `{{ event.subject }}`, `{{ event.start }}`, `{{ event.location }}`, `{{ recipient.name }}`.
    """

    EVENT_REMINDER = "EventReminder"
    CATALOG_SENDING = "Catalog sending"

    name = models.CharField(_("name"), max_length=100)
    media = models.CharField(
        _("media"), max_length=10, choices=MessageMedia.choices, default=MessageMedia.EMAIL
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    signature = models.TextField(_("signature"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="messagetemplate_name_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A broken template would only show when a reminder fails to go out: refuse it now.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("subject", "body", "signature"):
            problem = template_problem(getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        """The subject (one line) and the body followed by the signature, as plain text."""
        subject = " ".join(render_plain_text(self.subject, context).split())
        body = render_plain_text(self.body, context).strip()
        signature = render_plain_text(self.signature, context).strip()
        return subject, f"{body}\n\n{signature}" if signature else body


def render_plain_text(source: str, context: dict[str, Any]) -> str:
    return PLAIN_TEXT_ENGINE.from_string(source).render(Context(context, autoescape=False))


def template_problem(source: str) -> str:
    """Why `source` cannot be used as a message template, or "" if it can."""
    try:
        template = PLAIN_TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        return gettext("This template is invalid: %(error)s") % {"error": error}
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        variable = node.filter_expression.var  # type: ignore[attr-defined]
        lookups = getattr(variable, "lookups", None)  # None for a literal such as {{ "text" }}
        if lookups and lookups[0] not in PLACEHOLDER_ROOTS:
            return gettext("Unknown placeholder {{ %(name)s }}: use %(roots)s.") % {
                "name": ".".join(lookups),
                "roots": ", ".join(PLACEHOLDER_ROOTS),
            }
    try:
        template.render(Context({}, autoescape=False))
    except Exception as error:  # noqa: BLE001 - any failure of a trial render means a broken template
        return gettext("This template cannot be rendered: %(error)s") % {"error": error}
    return ""


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


FEED_TOKEN_PREFIX_LENGTH = 6


class CalendarFeedToken(models.Model):
    """The secret in a user's ICS feed address; only its hash is stored, one active token per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
        verbose_name=_("user"),
    )
    prefix = models.CharField(_("prefix"), max_length=FEED_TOKEN_PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendarfeedtoken_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, user: models.Model) -> tuple["CalendarFeedToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, prefix=raw[:FEED_TOKEN_PREFIX_LENGTH], key_hash=hash_feed_token(raw)
        )
        return token, raw

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
