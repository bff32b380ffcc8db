from django.urls import path

from . import reference

urlpatterns = [
    path("<slug:kind>/new/", reference.reference_create_view, name="reference_create"),
]
