from django.urls import path

from . import profile

urlpatterns = [
    path("", profile.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", profile.token_revoke, name="api_token_revoke"),
    path("calendar-feed/", profile.calendar_feed_create, name="calendar_feed_create"),
    path("calendar-feed/rotate/", profile.calendar_feed_rotate, name="calendar_feed_rotate"),
    path("calendar-feed/revoke/", profile.calendar_feed_revoke, name="calendar_feed_revoke"),
]
