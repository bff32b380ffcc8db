from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalog_cards, name="catalog_cards"),
    path("list/", views.catalogs_on(views.CatalogListView.as_view()), name="catalog_list"),
    path("new/", views.catalog_create_view, name="catalog_create"),
    path("recipients/lookup/", views.catalog_recipient_lookup, name="catalog_recipient_lookup"),
    path("types/", views.catalog_type_list, name="catalog_type_list"),
    path("types/<int:pk>/edit/", views.catalog_type_update, name="catalog_type_update"),
    path("<int:pk>/edit/", views.catalog_update_view, name="catalog_update"),
    path("<int:pk>/pdf/", views.catalog_pdf, name="catalog_pdf"),
    path("<int:pk>/download/", views.catalog_download, name="catalog_download"),
    path("<int:pk>/logo/", views.catalog_logo, name="catalog_logo"),
    path("<int:pk>/send/", views.catalog_send_view, name="catalog_send"),
]
