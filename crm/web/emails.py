"""E-mail pages (SPEC §4): write to a lead or a contact, the record's e-mails, the "Sent e-mails" list."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from crm.emails import (
    SentEmailFilterSet,
    email_templates,
    emailable_record,
    record_kind,
    record_sent_emails,
    search_sent_emails,
    sent_email_detail,
    sent_email_list,
)
from crm.models import Contact, SentEmail
from crm.services.emails import email_refusal, record_email_render, record_email_send
from crm.workflow import WorkflowRefused
from events.models import MessageTemplate
from leads.models import Lead

from .http import AuthenticatedRequest
from .lists import Column, RecordListView


class EmailForm(forms.Form):
    # Chosen on the page's template picker (a GET form that fills the subject and the message).
    template = forms.ModelChoiceField(
        queryset=MessageTemplate.objects.none(), required=False, widget=forms.HiddenInput
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"), max_length=255, widget=forms.TextInput(attrs={"size": 80})
    )
    body = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 14, "cols": 80})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = email_templates()  # type: ignore[attr-defined]


def _record_or_404(request: AuthenticatedRequest, kind: str, pk: int) -> Lead | Contact:
    try:
        return emailable_record(user=request.user, kind=kind, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _chosen_template(value: str | None) -> MessageTemplate | None:
    try:
        return email_templates().filter(pk=int(value)).first() if value else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def record_email(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    """Write to a lead or a contact: choosing a template fills the subject and the message, which the
    user may still edit before sending."""
    record = _record_or_404(request, kind, pk)
    refusal = email_refusal(record)
    status = 200
    if request.method == "POST":
        form = EmailForm(request.POST)
        if form.is_valid():
            try:
                sent_email = record_email_send(
                    sender=request.user,
                    record=record,
                    template=form.cleaned_data["template"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except WorkflowRefused as error:
                form.add_error(None, str(error))
                status = 400
            else:
                if sent_email.is_sent:
                    messages.success(
                        request, _("E-mail sent to %(email)s.") % {"email": sent_email.recipient}
                    )
                    return redirect(record.get_absolute_url() + "#emails")
                form.add_error(
                    None, _("The e-mail could not be sent: %(error)s") % {"error": sent_email.error}
                )
                status = 502
        else:
            status = 400
    else:
        form = _draft_form(request, record, refusal=refusal)
    context = {
        "form": form,
        "record": record,
        "kind": kind,
        "refusal": refusal,
        "templates": email_templates(),
    }
    return render(request, "crm/emails/form.html", context, status=status)


def _draft_form(request: AuthenticatedRequest, record: Lead | Contact, *, refusal: str) -> EmailForm:
    template = _chosen_template(request.GET.get("template"))
    if template is None or refusal:
        return EmailForm()
    try:
        subject, body = record_email_render(record=record, template=template, sender=request.user)
    except WorkflowRefused as error:
        form = EmailForm(initial={"template": template})
        messages.error(request, str(error))
        return form
    return EmailForm(initial={"template": template, "subject": subject, "body": body})


@require_GET
def record_emails(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    """The E-mails section of a lead's or a contact's page (loaded by htmx; a page of its own without)."""
    record = _record_or_404(request, kind, pk)
    context = {
        "record": record,
        "kind": record_kind(record),
        "emails": record_sent_emails(record=record),
        "refusal": email_refusal(record),
    }
    partial = getattr(request, "htmx", False)
    template = "crm/emails/_record_emails.html" if partial else "crm/emails/record_emails.html"
    return render(request, template, context)


@require_GET
def sent_email_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        sent_email = sent_email_detail(user=request.user, pk=pk)
    except SentEmail.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "crm/emails/detail.html", {"email": sent_email})


class SentEmailListView(RecordListView):
    filterset_class = SentEmailFilterSet
    row_template = "crm/emails/_row.html"
    default_sort = "-sent_at"
    title = gettext_lazy("Sent e-mails")
    columns = [
        Column(gettext_lazy("Sent on"), "sent_at"),
        Column(gettext_lazy("Recipient"), "recipient"),
        Column(gettext_lazy("Lead or contact")),
        Column(gettext_lazy("Subject"), "subject"),
        Column(gettext_lazy("Sent by"), "sender__username"),
        Column(gettext_lazy("Status"), "status"),
    ]

    def base_queryset(self) -> QuerySet:
        return sent_email_list(user=self.request.user)

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return search_sent_emails(queryset, text)
