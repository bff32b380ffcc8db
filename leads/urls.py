from django.urls import path

from crm.web import scoring
from leads import kanban, views
from leads.selectors import LeadScope

urlpatterns = [
    path("", views.LeadListView.as_view(scope=LeadScope.ALL), name="lead_list"),
    path("mine/", views.LeadListView.as_view(scope=LeadScope.MINE), name="lead_list_my"),
    path("open/", views.LeadListView.as_view(scope=LeadScope.OPEN), name="lead_list_open"),
    path("closed/", views.LeadListView.as_view(scope=LeadScope.CLOSED), name="lead_list_closed"),
    path("kanban/", kanban.lead_kanban, name="lead_kanban"),
    path("kanban/columns/<int:status_pk>/", kanban.lead_kanban_column, name="lead_kanban_column"),
    path("kanban/<int:pk>/move/", kanban.lead_kanban_move, name="lead_kanban_move"),
    path("new/", views.lead_create_view, name="lead_create"),
    path("contacts/lookup/", views.contact_lookup, name="contact_lookup"),
    path("<int:pk>/", views.lead_detail, name="lead_detail"),
    path("<int:pk>/edit/", views.lead_update_view, name="lead_update"),
    path("<int:pk>/move/", views.lead_move_view, name="lead_move"),
    path("<int:pk>/scoring/", scoring.record_scoring, {"kind": "lead"}, name="lead_scoring"),
    path("<int:pk>/take-charge/", views.lead_take_charge_view, name="lead_take_charge"),
    path("<int:pk>/lose/", views.lead_lose_view, name="lead_lose"),
    path("<int:pk>/reopen/", views.lead_reopen_view, name="lead_reopen"),
    path("<int:pk>/convert/", views.lead_convert_view, name="lead_convert"),
]
