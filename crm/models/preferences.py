from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListLayout(models.Model):
    """The columns one user chose for one record list (leads, contacts…), in the list's own order.

    Keys are checked against the list's columns when saved; keys a later version no longer knows are
    skipped when the list is shown.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="list_layouts",
        verbose_name=_("user"),
    )
    list_key = models.CharField(_("list"), max_length=40)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("list layout")
        verbose_name_plural = _("list layouts")
        constraints = [models.UniqueConstraint(fields=["user", "list_key"], name="list_layout_user_list")]

    def __str__(self) -> str:
        return f"{self.user} · {self.list_key}"
