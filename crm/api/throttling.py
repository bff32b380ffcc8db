from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from crm.models import ApiToken


class PerTokenRateThrottle(SimpleRateThrottle):
    """One budget per API token (so a leaked token cannot starve its owner's other tokens), else per user."""

    scope = "per_token"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
