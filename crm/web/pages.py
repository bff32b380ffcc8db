"""Pieces every record page shares: saving a form through a service, showing it, going back."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from crm.services.records import ConcurrentUpdateError
from crm.workflow import WorkflowRefused

from .http import AuthenticatedRequest

REFUSALS = (WorkflowRefused, ConcurrentUpdateError)


def redirect_back(request: AuthenticatedRequest, default: str) -> HttpResponse:
    """Back to the page the form was posted from (a `next` field on this site), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def save_form(form: forms.BaseForm, save: Callable[[], Any]) -> Any:
    """Run a service for a valid form; put its refusal on the form and return None when it refuses."""
    try:
        return save()
    except REFUSALS as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None


def form_page(
    request: AuthenticatedRequest, template: str, form: forms.BaseForm, **context: Any
) -> HttpResponse:
    return render(request, template, {"form": form, **context}, status=400 if form.is_bound else 200)


def update_page(
    request: AuthenticatedRequest, form: Any, update: Callable[..., Any], template: str, **context: Any
) -> HttpResponse:
    """A record's edit page: save through `update(fields=, expected_version=)`, or show the form."""
    if form.is_bound and form.is_valid():
        version = form.cleaned_data.get("version")
        saved = save_form(form, lambda: update(fields=form.service_fields(), expected_version=version))
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect(saved)
    return form_page(request, template, form, **context)


def owner_initial(request: AuthenticatedRequest) -> dict[str, Any]:
    user = request.user
    return {
        "assigned_user": user.pk,
        "team": user.team_ids[0] if user.team_ids else None,
        "company": user.active_company_id,
    }
