from django.urls import path, register_converter

from crm.emails import RECORD_KINDS

from . import emails


class RecordKindConverter:
    """The kinds of records that can receive an e-mail: "lead" or "contact"."""

    regex = "|".join(RECORD_KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordKindConverter, "email_record_kind")

urlpatterns = [
    path("", emails.SentEmailListView.as_view(), name="sent_email_list"),
    path("<int:pk>/", emails.sent_email_view, name="sent_email_detail"),
    path("<email_record_kind:kind>/<int:pk>/", emails.record_emails, name="record_emails"),
    path("<email_record_kind:kind>/<int:pk>/new/", emails.record_email, name="record_email"),
]
