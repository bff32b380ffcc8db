from django.urls import path

from . import kanban, scoring, views

urlpatterns = [
    path("", views.home, name="home"),
    path("third-parties/", views.ThirdPartyListView.as_view(), name="third_party_list"),
    path("third-parties/new/", views.third_party_create_view, name="third_party_create"),
    path("prospects/kanban/", kanban.prospect_kanban, name="prospect_kanban"),
    path(
        "prospects/kanban/columns/<int:status_pk>/",
        kanban.prospect_kanban_column,
        name="prospect_kanban_column",
    ),
    path("prospects/kanban/<int:pk>/move/", kanban.prospect_kanban_move, name="prospect_kanban_move"),
    path("third-parties/lookup/", views.third_party_lookup, name="third_party_lookup"),
    path("third-parties/<int:pk>/", views.third_party_detail, name="third_party_detail"),
    path("third-parties/<int:pk>/edit/", views.third_party_update_view, name="third_party_update"),
    path(
        "third-parties/<int:pk>/scoring/",
        scoring.record_scoring,
        {"kind": "third_party"},
        name="third_party_scoring",
    ),
    path(
        "third-parties/<int:pk>/prospect-status/",
        views.third_party_prospect_status_view,
        name="third_party_prospect_status",
    ),
    path("third-parties/<int:third_party_pk>/addresses/new/", views.address_edit_view, name="address_create"),
    path(
        "third-parties/<int:third_party_pk>/addresses/<int:pk>/",
        views.address_edit_view,
        name="address_update",
    ),
    path(
        "third-parties/<int:third_party_pk>/addresses/<int:pk>/delete/",
        views.address_delete_view,
        name="address_delete",
    ),
    path("contacts/", views.ContactListView.as_view(), name="contact_list"),
    path("contacts/new/", views.contact_create_view, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_update_view, name="contact_update"),
]
