from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .reference import colour_validator


class StatusBase(models.Model):
    """A user-configurable status of a lead, opportunity or prospect, ordered by `sequence`."""

    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0, db_index=True)
    is_open = models.BooleanField(_("open"), default=True)
    colour = models.CharField(_("colour"), max_length=7, default="#5b8def", validators=[colour_validator])
    archived = models.BooleanField(_("archived"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["sequence", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "fr").startswith("en"):
            return self.name_en
        return self.name


class ProspectStatus(StatusBase):
    class Meta(StatusBase.Meta):
        verbose_name = _("prospect status")
        verbose_name_plural = _("prospect statuses")
