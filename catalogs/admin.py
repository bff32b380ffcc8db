from django.contrib import admin

from .forms import CatalogForm
from .models import Catalog, CatalogType


@admin.register(CatalogType)
class CatalogTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)


@admin.register(Catalog)
class CatalogAdmin(admin.ModelAdmin):
    # The upload form of the CRM's pages: files are checked by their content here too.
    form = CatalogForm
    list_display = ("name", "type", "updated_at", "created_by")
    list_filter = ("type",)
    search_fields = ("name", "description")
    list_select_related = ("type", "created_by")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
