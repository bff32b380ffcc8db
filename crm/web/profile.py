from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.models import ApiToken
from crm.services.tokens import api_token_create, api_token_revoke
from crm.workflow import WorkflowRefused
from events.models import CalendarFeedToken
from events.services import calendar_feed_token_create, calendar_feed_token_revoke, calendar_feed_token_rotate

from .http import AuthenticatedRequest


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"), max_length=100, help_text=gettext_lazy("What the token is for.")
    )


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if form.is_bound and form.is_valid():
        try:
            _token, new_secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except WorkflowRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            form = TokenForm()
    return _profile_page(request, form=form, new_secret=new_secret)


def _profile_page(
    request: AuthenticatedRequest,
    *,
    form: TokenForm | None = None,
    new_secret: str | None = None,
    feed_secret: str | None = None,
) -> HttpResponse:
    form = form or TokenForm()
    feed_url = (
        request.build_absolute_uri(reverse("event_calendar_feed", args=[feed_secret])) if feed_secret else ""
    )
    context = {
        "form": form,
        "new_secret": new_secret,
        "tokens": ApiToken.objects.filter(user=request.user),
        "feed_token": CalendarFeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first(),
        "feed_url": feed_url,
        "feed_webcal_url": "webcal://" + feed_url.partition("://")[2] if feed_url else "",
    }
    return render(request, "crm/profile.html", context, status=400 if form.errors else 200)


@require_POST
def calendar_feed_create(request: AuthenticatedRequest) -> HttpResponse:
    """A private ICS address for the user's calendar application, shown once in full."""
    try:
        _token, secret = calendar_feed_token_create(user=request.user)
    except WorkflowRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(reverse("profile") + "#calendar-feed")
    return _profile_page(request, feed_secret=secret)


@require_POST
def calendar_feed_rotate(request: AuthenticatedRequest) -> HttpResponse:
    _token, secret = calendar_feed_token_rotate(user=request.user)
    messages.success(request, _("New calendar address created: the previous one no longer works."))
    return _profile_page(request, feed_secret=secret)


@require_POST
def calendar_feed_revoke(request: AuthenticatedRequest) -> HttpResponse:
    if calendar_feed_token_revoke(user=request.user):
        messages.success(request, _("Calendar address revoked: calendar applications can no longer read it."))
    return redirect(reverse("profile") + "#calendar-feed")


@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user=request.user)
    api_token_revoke(token=token, user=request.user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("profile")
