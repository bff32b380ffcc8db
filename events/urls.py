from django.urls import path

from . import views

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("mine/", views.EventListView.as_view(mine=True), name="event_list_my"),
    path("calendar/", views.event_calendar, name="event_calendar"),
    path("new/", views.event_create_view, name="event_create"),
    path("recurrence-summary/", views.event_recurrence_summary, name="event_recurrence_summary"),
    path("leads/lookup/", views.event_lead_lookup, name="event_lead_lookup"),
    path("opportunities/lookup/", views.event_opportunity_lookup, name="event_opportunity_lookup"),
    path("of/<str:kind>/<int:pk>/", views.event_record_section, name="event_record_section"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_update_view, name="event_update"),
    path("<int:pk>/done/", views.event_done_view, name="event_done"),
    path("<int:pk>/cancel/", views.event_cancel_view, name="event_cancel"),
    path("<int:pk>/guests/", views.event_guest_add_view, name="event_guest_add"),
    path(
        "<int:pk>/guests/<int:guest_pk>/respond/", views.event_guest_respond_view, name="event_guest_respond"
    ),
    path("<int:pk>/guests/<int:guest_pk>/remove/", views.event_guest_remove_view, name="event_guest_remove"),
    path("<int:pk>/reminders/", views.event_reminder_add_view, name="event_reminder_add"),
    path(
        "<int:pk>/reminders/<int:reminder_pk>/delete/",
        views.event_reminder_delete_view,
        name="event_reminder_delete",
    ),
    path("feed/<str:token>.ics", views.calendar_feed, name="event_calendar_feed"),
]
