"""API of events and event categories: CRUD through the services, Done / Cancel, recurrence, guests
and reminders as POST actions. Private events follow events.selectors.events_visible."""

from typing import Any

import django_filters
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from crm.api.base import (
    BoundedDateTimeField,
    RecordSerializer,
    RecordViewSet,
    ReferenceCreateMixin,
    StrictSerializerMixin,
    UpdatedAfterFilterSet,
    VisibleRecordField,
)
from crm.models import Contact, ThirdParty, User
from crm.visibility import visible_records
from leads.models import Lead
from opportunities.models import Opportunity, Quote

from .models import (
    Event,
    EventCategory,
    EventGuest,
    EventStatus,
    EventType,
    Recurrence,
    RecurrenceFrequency,
    Reminder,
    ReminderMode,
    ReminderRecipients,
    ReminderUnit,
)
from .recurrence import MAX_INTERVAL, MAX_OCCURRENCES
from .selectors import events_visible
from .services import (
    EditScope,
    event_cancel,
    event_create,
    event_done,
    event_guest_add,
    event_recurrence_set,
    event_update,
    reminder_create,
)

# "related to": the record types an event may point at, by API name.
RELATED_MODELS: dict[str, type[Model]] = {
    "third_party": ThirdParty,
    "contact": Contact,
    "lead": Lead,
    "opportunity": Opportunity,
    "quote": Quote,
    "event": Event,
}
RELATED_NAMES = {model: name for name, model in RELATED_MODELS.items()}


class VisibleEventField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return events_visible(user=user) if user is not None else Event.objects.none()


class EventGuestSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventGuest
        fields = ["id", "user", "contact", "response"]
        read_only_fields = fields


class ReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = [
            "id",
            "mode",
            "at",
            "duration",
            "unit",
            "recipients",
            "owner",
            "due_at",
            "sent_at",
            "skipped_at",
        ]
        read_only_fields = fields


class RecurrenceSerializer(serializers.ModelSerializer):
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = Recurrence
        fields = ["id", "frequency", "interval", "weekdays", "end_mode", "count", "until", "start", "summary"]
        read_only_fields = fields


class EventSerializer(RecordSerializer):
    third_party = VisibleRecordField(queryset=ThirdParty.objects.all(), required=False, allow_null=True)
    contact = VisibleRecordField(queryset=Contact.objects.all(), required=False, allow_null=True)
    lead = VisibleRecordField(queryset=Lead.objects.all(), required=False, allow_null=True)
    opportunity = VisibleRecordField(queryset=Opportunity.objects.all(), required=False, allow_null=True)
    end = BoundedDateTimeField(required=False, help_text=_("One hour after the start when left out."))
    related_type = serializers.ChoiceField(
        choices=sorted(RELATED_MODELS),
        required=False,
        allow_null=True,
        help_text=_("“Related to”: the type of the record this event relates to."),
    )
    related_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    scope = serializers.ChoiceField(
        choices=[(scope.value, scope.value) for scope in EditScope],
        required=False,
        write_only=True,
        help_text=_(
            "For an occurrence of a recurring event: change this one or this and the following ones."
        ),
    )
    recurrence = RecurrenceSerializer(read_only=True, allow_null=True)
    guests = EventGuestSerializer(many=True, read_only=True)
    reminders = ReminderSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "type",
            "category",
            "subject",
            "status",
            "start",
            "end",
            "all_day",
            "third_party",
            "contact",
            "lead",
            "opportunity",
            "related_type",
            "related_id",
            "location",
            "description",
            "visibility",
            "company",
            "call_direction",
            "assigned_user",
            "team",
            "recurrence",
            "occurrence_index",
            "guests",
            "reminders",
            "scope",
            "version",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "occurrence_index", "locked_fields", "created_at", "updated_at"]

    def to_representation(self, instance: Event) -> dict[str, Any]:
        data = super().to_representation(instance)
        related_model = instance.related_content_type.model_class() if instance.related_content_type else None
        data["related_type"] = RELATED_NAMES.get(related_model) if related_model else None  # type: ignore[arg-type]
        data["related_id"] = instance.related_object_id
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "related_type" not in attrs and "related_id" not in attrs:
            return attrs
        related_type = attrs.pop("related_type", None)
        related_id = attrs.pop("related_id", None)
        if related_type is None and related_id is None:
            attrs["related_to"] = None
            return attrs
        if related_type is None or related_id is None:
            raise serializers.ValidationError(
                {"related_id": [_("Give both the related type and id, or neither.")]}
            )
        user = self.context["request"].user
        model = RELATED_MODELS[related_type]
        records = (
            events_visible(user=user)
            if model is Event
            else visible_records(model._default_manager.all(), user=user)
        )
        record = records.filter(pk=related_id).first()
        if record is None:
            raise serializers.ValidationError({"related_id": [_("No such record.")]})
        attrs["related_to"] = record
        return attrs


class EventApiFilterSet(UpdatedAfterFilterSet):
    starts_after = django_filters.IsoDateTimeFilter(field_name="start", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="start", lookup_expr="lt")
    type = django_filters.ChoiceFilter(choices=EventType.choices)
    status = django_filters.ChoiceFilter(choices=EventStatus.choices)
    category = django_filters.NumberFilter()
    assigned_user = django_filters.NumberFilter()
    team = django_filters.NumberFilter()
    third_party = django_filters.NumberFilter()
    contact = django_filters.NumberFilter()
    lead = django_filters.NumberFilter()
    opportunity = django_filters.NumberFilter()

    class Meta:
        model = Event
        fields: list[str] = []


class CancelSerializer(StrictSerializerMixin, serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[(scope.value, scope.value) for scope in EditScope], default="this"
    )


class RecurrenceInputSerializer(StrictSerializerMixin, serializers.Serializer):
    frequency = serializers.ChoiceField(choices=RecurrenceFrequency.choices)
    interval = serializers.IntegerField(min_value=1, max_value=MAX_INTERVAL, default=1)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        default=list,
        max_length=7,
        help_text=_("Days of a weekly recurrence, 0 (Monday) to 6 (Sunday)."),
    )
    count = serializers.IntegerField(min_value=1, max_value=MAX_OCCURRENCES, required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)


class GuestInputSerializer(StrictSerializerMixin, serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    contact = VisibleRecordField(queryset=Contact.objects.all(), required=False)
    scope = serializers.ChoiceField(
        choices=[(scope.value, scope.value) for scope in EditScope], default="this"
    )


class ReminderInputSerializer(StrictSerializerMixin, serializers.Serializer):
    mode = serializers.ChoiceField(choices=ReminderMode.choices)
    at = BoundedDateTimeField(required=False, allow_null=True)
    duration = serializers.IntegerField(min_value=1, max_value=10_000, required=False, allow_null=True)
    unit = serializers.ChoiceField(choices=ReminderUnit.choices, required=False, default="")
    recipients = serializers.ChoiceField(choices=ReminderRecipients.choices, default=ReminderRecipients.ME)


@extend_schema_view(
    done=extend_schema(request=None, responses=EventSerializer, summary=_("Mark the event as done")),
    cancel=extend_schema(request=CancelSerializer, responses=EventSerializer, summary=_("Cancel the event")),
    recurrence=extend_schema(
        request=RecurrenceInputSerializer,
        responses={201: EventSerializer},
        summary=_("Make the event recurring (creates the occurrences)"),
    ),
    guests=extend_schema(
        request=GuestInputSerializer, responses={201: EventGuestSerializer}, summary=_("Invite a guest")
    ),
    reminders=extend_schema(
        request=ReminderInputSerializer, responses={201: ReminderSerializer}, summary=_("Add a reminder")
    ),
)
class EventViewSet(RecordViewSet):
    serializer_class = EventSerializer
    filterset_class = EventApiFilterSet
    search_fields = ["subject", "location"]
    ordering_fields = ["start", "end", "created_at", "updated_at", "subject"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return (
            events_visible(user=self.user)
            .select_related("recurrence", "related_content_type")
            .prefetch_related("guests", "reminders")
            .order_by(*self.default_order())
        )

    def base_queryset(self) -> QuerySet:
        return Event.objects.all()

    def default_order(self) -> list[str]:
        return ["-start", "-pk"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return {
            "cancel": CancelSerializer,
            "recurrence": RecurrenceInputSerializer,
            "guests": GuestInputSerializer,
            "reminders": ReminderInputSerializer,
        }.get(self.action or "", EventSerializer)

    def create_record(self, fields: dict[str, Any]) -> Model:
        fields.pop("scope", None)
        return event_create(user=self.user, fields=fields)

    def update_record(self, record: Model, fields: dict[str, Any], version: int | None) -> Model:
        scope = EditScope(fields.pop("scope", EditScope.THIS))
        return event_update(
            event=record,  # type: ignore[arg-type]
            user=self.user,
            fields=fields,
            scope=scope,
            expected_version=version,
        )

    def serialize(self, event: Event, status: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=event.pk)
        return Response(EventSerializer(fresh, context=self.get_serializer_context()).data, status=status)

    def validated(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        return self.serialize(event_done(event=self.get_object(), user=self.user))

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = self.validated(CancelSerializer)
        return self.serialize(event_cancel(event=event, user=self.user, scope=EditScope(data["scope"])))

    @action(detail=True, methods=["post"])
    def recurrence(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = self.validated(RecurrenceInputSerializer)
        event_recurrence_set(event=event, user=self.user, **data)
        return self.serialize(event, status=201)

    @action(detail=True, methods=["post"])
    def guests(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = self.validated(GuestInputSerializer)
        guest = event_guest_add(
            event=event,
            user=self.user,
            guest_user=data.get("user"),
            guest_contact=data.get("contact"),
            scope=EditScope(data["scope"]),
        )
        return Response(EventGuestSerializer(guest).data, status=201)

    @action(detail=True, methods=["post"])
    def reminders(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = self.validated(ReminderInputSerializer)
        reminder = reminder_create(event=event, user=self.user, **data)
        return Response(ReminderSerializer(reminder).data, status=201)


class EventCategorySerializer(StrictSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = EventCategory
        fields = ["id", "name", "code", "type", "active", "updated_at"]
        read_only_fields = ["updated_at"]


class EventCategoryViewSet(ReferenceCreateMixin, viewsets.ModelViewSet):
    reference_kind_name = "event-categories"
    queryset = EventCategory.objects.order_by("type", "name", "pk")
    serializer_class = EventCategorySerializer
    filterset_fields = {"type": ["exact"], "active": ["exact"], "code": ["exact"], "updated_at": ["gt"]}
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "type", "updated_at"]
    lookup_value_regex = r"[0-9]+"
