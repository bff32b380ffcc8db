from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.models import ApiToken
from crm.services.tokens import api_token_create, api_token_revoke
from crm.workflow import WorkflowRefused

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
    context = {
        "form": form,
        "new_secret": new_secret,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "crm/profile.html", context, status=400 if form.errors else 200)


@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user=request.user)
    api_token_revoke(token=token, user=request.user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("profile")
