from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportLayout(models.Model):
    """How one user arranged one report: the order of its charts and the extra columns of its list.

    Keys are validated by reports.services against the chart registry; keys that a later version
    no longer knows are skipped when the report is shown.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_layouts",
        verbose_name=_("user"),
    )
    report = models.CharField(_("report"), max_length=30)
    chart_order = models.JSONField(_("chart order"), default=list, blank=True)
    list_columns = models.JSONField(_("list columns"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report layout")
        verbose_name_plural = _("report layouts")
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="report_layout_user_report")]

    def __str__(self) -> str:
        return f"{self.user} · {self.report}"
