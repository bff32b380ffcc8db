"""Per-user preferences of the interface: the columns chosen for each record list."""

from django.utils.translation import gettext as _

from crm.models import ListLayout, User
from crm.workflow import WorkflowRefused


def list_layout_save(*, user: User, list_key: str, columns: list[str], known: list[str]) -> ListLayout:
    """Remember the columns the user chose for a list, in the list's order; unknown keys are refused."""
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise WorkflowRefused(_("Unknown columns: %(keys)s.") % {"keys": ", ".join(unknown)})
    chosen = [key for key in known if key in set(columns)]
    layout, _created = ListLayout.objects.update_or_create(
        user=user, list_key=list_key, defaults={"columns": chosen}
    )
    return layout


def list_layout_reset(*, user: User, list_key: str) -> None:
    """Back to the list's default columns."""
    ListLayout.objects.filter(user=user, list_key=list_key).delete()
