from django.urls import path

from . import profile

urlpatterns = [
    path("", profile.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", profile.token_revoke, name="api_token_revoke"),
]
