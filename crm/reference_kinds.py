"""The lists of reference data a form can add to with its "+" (SPEC §2.1), by the name used in URLs.

The names are those of the API's resources. Models are named by label, not imported: the events and
catalogs apps build on crm, not the other way round.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.models import User


class UnknownReferenceKind(LookupError):
    pass


@dataclass(frozen=True)
class ReferenceKind:
    model_label: str
    new_label: Promise  # the "+" button's label and the dialog's heading
    fields: tuple[str, ...] = ("name",)
    # Two entries may share a name when they differ here (event categories: one per type).
    name_unique_within: tuple[str, ...] = ()
    choice_label: Callable[[Model], str] = field(default=str)

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    def may_create(self, user: User) -> bool:
        """The role's "add" permission: every role may add to the core lists; event categories and
        catalog types are managers' business (see the role migrations)."""
        meta = self.model._meta
        return user.has_perm(f"{meta.app_label}.add_{meta.model_name}")


def _event_category_label(category: Model) -> str:
    return category.name_with_type  # type: ignore[attr-defined]


REFERENCE_KINDS: dict[str, ReferenceKind] = {
    "industry-sectors": ReferenceKind("crm.IndustrySector", _("New industry sector")),
    "departments": ReferenceKind("crm.Department", _("New department")),
    "functions": ReferenceKind("crm.JobFunction", _("New function")),
    "contact-roles": ReferenceKind("crm.ContactRole", _("New role")),
    "sources": ReferenceKind("crm.LeadSource", _("New source")),
    "third-party-categories": ReferenceKind("crm.ThirdPartyCategory", _("New third-party category")),
    "legal-forms": ReferenceKind("crm.LegalForm", _("New legal form")),
    "lost-reasons": ReferenceKind("crm.LostReason", _("New lost reason")),
    "tags": ReferenceKind("crm.Tag", _("New tag"), fields=("name", "colour")),
    "catalog-types": ReferenceKind("catalogs.CatalogType", _("New catalog type")),
    "event-categories": ReferenceKind(
        "events.EventCategory",
        _("New event category"),
        fields=("name", "type", "code"),
        name_unique_within=("type",),
        choice_label=_event_category_label,
    ),
}


def reference_kind(name: str) -> ReferenceKind:
    try:
        return REFERENCE_KINDS[name]
    except KeyError:
        raise UnknownReferenceKind(name) from None
