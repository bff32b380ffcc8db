"""Pages of events; for now the ICS feed a calendar application subscribes to (SPEC §5.1)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .ics import calendar_for
from .selectors import calendar_feed_token_find, events_for_feed
from .services import calendar_feed_token_used


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's events as text/calendar; the secret token in the address is the authentication."""
    feed_token = calendar_feed_token_find(raw_token=token)
    if feed_token is None:
        raise Http404
    calendar_feed_token_used(token=feed_token)
    calendar = calendar_for(user=feed_token.user, events=events_for_feed(user=feed_token.user))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="crm.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
