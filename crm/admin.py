from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models as django_models
from django.db.models import F

from crm import (
    emails_admin,  # noqa: F401  (registers the sent e-mails' admin)
    models,
)
from crm.services.activity import activity_record, diff, snapshot
from crm.services.parties import email_domain


class ActivityAdminMixin:
    """Admin edits leave the same Activity trail as edits made in the CRM's own screens."""

    def save_model(self, request, obj, form, change):
        obj._activity_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        obj.refresh_from_db(fields=["version"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        if obj._activity_before is None:
            activity_record(record=obj, actor=request.user, verb=models.ActivityVerb.CREATED)
            return
        changes = diff(obj._activity_before, snapshot(obj))
        if changes:
            activity_record(record=obj, actor=request.user, verb=models.ActivityVerb.UPDATED, changes=changes)


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("CRM", {"fields": ("companies", "active_company", "language")}),
    )
    filter_horizontal = ("groups", "user_permissions", "companies")


@admin.register(models.Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "leader", "company")
    filter_horizontal = ("members",)
    search_fields = ("name",)


class ReferenceDataAdmin(admin.ModelAdmin):
    list_display: tuple[str, ...] = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)


for reference_model in (
    models.IndustrySector,
    models.Department,
    models.JobFunction,
    models.ContactRole,
    models.LeadSource,
    models.ThirdPartyCategory,
    models.LegalForm,
    models.LostReason,
):
    admin.site.register(reference_model, ReferenceDataAdmin)


@admin.register(models.Tag)
class TagAdmin(ReferenceDataAdmin):
    list_display = ("name", "colour", "active")


class AddressInline(admin.TabularInline):
    model = models.Address
    extra = 0


@admin.register(models.ThirdParty)
class ThirdPartyAdmin(ActivityAdminMixin, admin.ModelAdmin):
    list_display = ("reference", "name", "is_prospect", "is_customer", "is_supplier", "assigned_user", "team")
    list_filter = ("is_prospect", "is_customer", "is_supplier", "is_key_account", "team")
    search_fields = ("name", "reference", "siret", "email")
    list_select_related = ("assigned_user", "team")
    raw_id_fields = ("parent", "assigned_user")
    filter_horizontal = ("companies", "tags")
    readonly_fields = ("reference", "created_at", "updated_at", "version")
    inlines = [AddressInline]
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reference = models.Sequence.reserve("third_party", prefix="T")[0]
        super().save_model(request, obj, form, change)


@admin.register(models.Contact)
class ContactAdmin(ActivityAdminMixin, admin.ModelAdmin):
    list_display = ("last_name", "first_name", "main_third_party", "email", "assigned_user")
    search_fields = ("last_name", "first_name", "email")
    list_select_related = ("main_third_party", "assigned_user")
    raw_id_fields = ("main_third_party", "third_parties", "assigned_user")
    filter_horizontal = ("companies", "tags")
    readonly_fields = ("created_at", "updated_at", "version")

    def save_model(self, request, obj, form, change):
        obj.email_domain = email_domain(obj.email)
        super().save_model(request, obj, form, change)


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "content_type", "object_id", "verb", "actor")
    list_filter = ("verb", "content_type")
    list_select_related = ("content_type", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("code", "prefix", "padding", "next_value")
