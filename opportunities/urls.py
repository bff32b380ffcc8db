from django.urls import path

from crm.web import scoring
from opportunities import kanban, views
from opportunities.selectors import OpportunityScope

urlpatterns = [
    path("", views.OpportunityListView.as_view(scope=OpportunityScope.ALL), name="opportunity_list"),
    path("mine/", views.OpportunityListView.as_view(scope=OpportunityScope.MINE), name="opportunity_list_my"),
    path(
        "open/", views.OpportunityListView.as_view(scope=OpportunityScope.OPEN), name="opportunity_list_open"
    ),
    path(
        "closed/",
        views.OpportunityListView.as_view(scope=OpportunityScope.CLOSED),
        name="opportunity_list_closed",
    ),
    path("kanban/", kanban.opportunity_kanban, name="opportunity_kanban"),
    path(
        "kanban/columns/<int:status_pk>/",
        kanban.opportunity_kanban_column,
        name="opportunity_kanban_column",
    ),
    path("kanban/<int:pk>/move/", kanban.opportunity_kanban_move, name="opportunity_kanban_move"),
    path("new/", views.opportunity_create_view, name="opportunity_create"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/edit/", views.opportunity_update_view, name="opportunity_update"),
    path("<int:pk>/move/", views.opportunity_move_view, name="opportunity_move"),
    path("<int:pk>/scoring/", scoring.record_scoring, {"kind": "opportunity"}, name="opportunity_scoring"),
    path("<int:pk>/win/", views.opportunity_win_view, name="opportunity_win"),
    path("<int:pk>/lose/", views.opportunity_lose_view, name="opportunity_lose"),
    path("<int:pk>/close-others/", views.opportunity_close_others_view, name="opportunity_close_others"),
    path("<int:pk>/quotes/new/", views.quote_create_view, name="quote_create"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/send/", views.quote_send_view, name="quote_send"),
    path("quotes/<int:pk>/confirm/", views.quote_confirm_view, name="quote_confirm"),
    path("quotes/<int:pk>/refuse/", views.quote_refuse_view, name="quote_refuse"),
]
