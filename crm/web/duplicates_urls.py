from django.urls import path

from . import duplicates

urlpatterns = [
    path("<slug:entity>/", duplicates.duplicates_check, name="duplicates_check"),
    path("<slug:entity>/merge/", duplicates.duplicates_merge, name="duplicates_merge"),
]
