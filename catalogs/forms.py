from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from crm.forms import QuickCreateMixin
from crm.models import Contact, User
from crm.widgets import LookupSelectMultiple

from .models import LOGO_FORMATS, Catalog, CatalogType
from .selectors import catalog_recipients, catalog_send_candidates
from .validators import validate_logo, validate_pdf

LOGO_ACCEPT = ",".join(content_type for _extension, content_type in LOGO_FORMATS.values())


class CatalogForm(QuickCreateMixin, forms.ModelForm):
    """Also the admin's form: the same checks of the files' content wherever they are uploaded.

    Plain file inputs: a "currently" link would point into MEDIA_ROOT, which the catalog views guard.
    The catalog pages pass their user for the "+" of the type; the admin has its own.
    """

    quick_create = {"type": "catalog-types"}
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Catalog
        fields = ["name", "type", "description", "logo", "pdf_file"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "logo": forms.FileInput(attrs={"accept": LOGO_ACCEPT}),
            "pdf_file": forms.FileInput(attrs={"accept": "application/pdf"}),
        }

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.offer_quick_create(user=user)
        if not self.instance.logo:
            self.fields["remove_logo"].widget = forms.HiddenInput()
        if self.instance.pdf_file:
            self.fields["pdf_file"].help_text = _("Leave empty to keep the current PDF.")

    def clean_pdf_file(self) -> Any:
        file = self.cleaned_data.get("pdf_file")
        if isinstance(file, UploadedFile):
            validate_pdf(file)
            file.name = "catalog.pdf"
        return file

    def clean_logo(self) -> Any:
        file = self.cleaned_data.get("logo")
        if isinstance(file, UploadedFile):
            extension, _content_type = LOGO_FORMATS[validate_logo(file)]
            file.name = f"logo.{extension}"  # the stored name follows the content, not the upload's name
        return file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("remove_logo") and not isinstance(cleaned.get("logo"), UploadedFile):
            cleaned["logo"] = False  # what a cleared file input gives: the logo is removed
        return cleaned


class CatalogTypeForm(forms.ModelForm):
    class Meta:
        model = CatalogType
        fields = ["name"]


class RecipientSelect(LookupSelectMultiple):
    """The lookup, opened on a first page of possible recipients instead of an empty list."""

    def __init__(self, lookup_url_name: str, attrs: dict | None = None) -> None:
        super().__init__(lookup_url_name, attrs)
        self.first_options: list[Contact] = []

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = groups[0][1]
        selected = {str(option["value"]) for option in options}
        for index, contact in enumerate(self.first_options, start=len(options)):
            if str(contact.pk) not in selected:
                label = f"{contact.full_name} · {contact.email}"
                options.append(self.create_option(name, contact.pk, label, False, index))
        return groups


class CatalogSendForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        widget=RecipientSelect("catalog_recipient_lookup", attrs={"size": 12}),
        help_text=_("Type a name or an e-mail address; only contacts who accept e-mails are offered."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contacts"]
        field.queryset = catalog_send_candidates(user=user)  # type: ignore[attr-defined]
        field.widget.first_options = catalog_recipients(user=user, text="")  # type: ignore[attr-defined]
