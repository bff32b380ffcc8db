from django.urls import path

from . import configuration

urlpatterns = [
    path("", configuration.configuration_home, name="configuration_home"),
    path("settings/", configuration.crm_settings, name="crm_settings"),
    path("statuses/<str:kind>/", configuration.status_list, name="status_list"),
    path("statuses/<str:kind>/new/", configuration.status_create_view, name="status_create"),
    path("statuses/<str:kind>/reorder/", configuration.statuses_reorder_view, name="statuses_reorder"),
    path("statuses/<str:kind>/<int:pk>/", configuration.status_update_view, name="status_update"),
    path("statuses/<str:kind>/<int:pk>/archive/", configuration.status_archive_view, name="status_archive"),
    path("statuses/<str:kind>/<int:pk>/restore/", configuration.status_restore_view, name="status_restore"),
]
