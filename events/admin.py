from django.contrib import admin

from crm.admin import ActivityAdminMixin

from . import models


@admin.register(models.EventCategory)
class EventCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "type", "active")
    list_filter = ("type", "active")
    search_fields = ("name", "code")


class EventGuestInline(admin.TabularInline):
    model = models.EventGuest
    extra = 0
    raw_id_fields = ("user", "contact")


@admin.register(models.Event)
class EventAdmin(ActivityAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "type", "status", "start", "end", "assigned_user", "team", "visibility")
    list_filter = ("type", "status", "visibility", "category", "team")
    search_fields = ("subject", "location")
    date_hierarchy = "start"
    list_select_related = ("assigned_user", "team")
    raw_id_fields = ("assigned_user", "third_party", "contact", "lead", "opportunity", "recurrence")
    # The status moves through the Done / Cancel actions of the CRM (a protected state field).
    readonly_fields = ("status", "recurrence", "occurrence_index", "created_at", "updated_at", "version")
    inlines = [EventGuestInline]


@admin.register(models.EventGuest)
class EventGuestAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "contact", "response")
    list_filter = ("response",)
    list_select_related = ("event", "user", "contact")
    raw_id_fields = ("event", "user", "contact")


@admin.register(models.Recurrence)
class RecurrenceAdmin(admin.ModelAdmin):
    list_display = ("summary", "frequency", "interval", "end_mode", "count", "until", "start")
    list_filter = ("frequency", "end_mode")
    # Occurrences are rows created from the rule: changing it here would not move them.
    readonly_fields = (
        "frequency",
        "interval",
        "weekdays",
        "end_mode",
        "count",
        "until",
        "start",
        "created_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("event", "mode", "recipients", "owner", "due_at", "sent_at", "skipped_at", "attempts")
    list_filter = ("mode", "recipients", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("event", "owner")
    raw_id_fields = ("event", "owner")
    readonly_fields = ("due_at", "sent_at", "skipped_at", "attempts", "last_error", "retry_at", "created_at")

    def save_model(self, request, obj, form, change):
        obj.due_at = obj.compute_due_at(event_start=obj.event.start)
        super().save_model(request, obj, form, change)


@admin.register(models.MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "media", "subject")
    list_filter = ("name", "language", "media")
    search_fields = ("name", "subject")


@admin.register(models.CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Tokens are issued from the user's profile (the secret is shown once); here they can be revoked."""

    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
