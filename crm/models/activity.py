from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityVerb(models.TextChoices):
    CREATED = "created", pgettext_lazy("activity", "created")
    UPDATED = "updated", pgettext_lazy("activity", "updated")
    DELETED = "deleted", pgettext_lazy("activity", "deleted")
    STATUS_CHANGED = "status_changed", pgettext_lazy("activity", "status changed")
    EMAIL_SENT = "email_sent", pgettext_lazy("activity", "email sent")
    EVENT = "event", pgettext_lazy("activity", "event")
    CONVERTED = "converted", pgettext_lazy("activity", "converted")
    MERGED = "merged", pgettext_lazy("activity", "merged")
    SYNCED = "synced", pgettext_lazy("activity", "synchronised")


class Activity(models.Model):
    """Append-only timeline entry: who did what to which record, with the field changes."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    verb = models.CharField(_("what"), max_length=20, choices=ActivityVerb.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # {"field name": {"label": "…", "before": "…", "after": "…"}} with display values.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="activity_record")]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} {self.created_at:%Y-%m-%d %H:%M}"
