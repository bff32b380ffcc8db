from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from crm.models import CrmSettings


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "user_role": user.role if user is not None and user.is_authenticated else None,
        # Read only by the templates that need it (the admin menu): no query on other pages.
        "crm_settings": SimpleLazyObject(CrmSettings.load),
    }
