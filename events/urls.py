from django.urls import path

from . import views

urlpatterns = [
    path("feed/<str:token>.ics", views.calendar_feed, name="event_calendar_feed"),
]
