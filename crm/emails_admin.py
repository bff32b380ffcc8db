"""The admin of sent e-mails: a read-only record of what went out (crm.admin imports it)."""

from django.contrib import admin

from crm.models import SentEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "recipient", "subject", "sender", "status", "template_name")
    list_filter = ("status", "content_type", "template_name")
    search_fields = ("recipient", "subject")
    date_hierarchy = "sent_at"
    list_select_related = ("sender",)
    readonly_fields = (
        "sender",
        "recipient",
        "subject",
        "body",
        "template_name",
        "attachment_names",
        "content_type",
        "object_id",
        "sent_at",
        "status",
        "error",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
