from typing import Any

from rest_framework.routers import DefaultRouter

from catalogs.api import CatalogTypeViewSet, CatalogViewSet
from crm import models
from crm.reference_kinds import REFERENCE_KINDS
from events.api import EventCategoryViewSet, EventViewSet
from leads.api import LeadViewSet
from leads.models import LeadStatus
from opportunities.api import OpportunityViewSet, QuoteViewSet
from opportunities.models import OpportunityStatus

from . import core
from .statuses import status_viewset

router = DefaultRouter(trailing_slash=True)
router.include_root_view = True
router.register("third-parties", core.ThirdPartyViewSet, basename="third-party")
router.register("contacts", core.ContactViewSet, basename="contact")
router.register("addresses", core.AddressViewSet, basename="address")
router.register("teams", core.TeamViewSet, basename="team")
router.register("users", core.UserViewSet, basename="user")
router.register("activities", core.ActivityViewSet, basename="activity")
# The core's lists of reference data; event categories and catalog types have resources of their own.
for kind, reference in REFERENCE_KINDS.items():
    if issubclass(reference.model, models.ReferenceData):
        router.register(kind, core.reference_viewset(kind), basename=kind.rstrip("s"))

STATUS_RESOURCES: dict[str, Any] = {
    "lead-statuses": LeadStatus,
    "opportunity-statuses": OpportunityStatus,
    "prospect-statuses": models.ProspectStatus,
}
for prefix, status_model in STATUS_RESOURCES.items():
    router.register(prefix, status_viewset(status_model), basename=prefix)
router.register("events", EventViewSet, basename="event")
router.register("event-categories", EventCategoryViewSet, basename="event-category")
router.register("leads", LeadViewSet, basename="lead")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("catalog-types", CatalogTypeViewSet, basename="catalog-type")
router.register("catalogs", CatalogViewSet, basename="catalog")

urlpatterns = router.urls
