from django.urls import path

from . import prints

urlpatterns = [
    path("leads/<int:pk>/", prints.lead_print, name="lead_print"),
    path("third-parties/<int:pk>/", prints.third_party_print, name="third_party_print"),
    path("contacts/<int:pk>/envelope/", prints.contact_envelope, name="contact_envelope"),
]
