from django.http import HttpRequest

from crm.models import User


class AuthenticatedRequest(HttpRequest):
    """Every CRM page requires a login (LoginRequiredMiddleware): the user is a real User."""

    user: User
