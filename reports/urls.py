from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("<slug:report>/", views.report_detail, name="report_detail"),
    path("<slug:report>/export/", views.report_export, name="report_export"),
    path("<slug:report>/layout/", views.report_layout_view, name="report_layout"),
]
