from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SentEmailStatus(models.TextChoices):
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class SentEmail(models.Model):
    """One e-mail the CRM sent (or tried to send) to a lead or a contact, as the recipient got it."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # A copy of the names, not links: the e-mail stays as it was when the template or file changes.
    template_name = models.CharField(_("message template"), max_length=100, blank=True)
    attachment_names = models.CharField(_("attachments"), max_length=500, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=SentEmailStatus.choices, default=SentEmailStatus.SENT
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-sent_at"], name="sentemail_record"),
            models.Index(fields=["sender", "-sent_at"], name="sentemail_sender"),
            models.Index(fields=["-sent_at"], name="sentemail_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    @property
    def is_sent(self) -> bool:
        return self.status == SentEmailStatus.SENT
