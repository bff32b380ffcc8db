from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .statuses import ProspectStatus


def status_link(model: Any, label: Any) -> models.ForeignKey:
    return models.ForeignKey(model, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=label)


class CrmSettings(models.Model):
    """The CRM's configuration, one row: what each configured status means, and feature flags."""

    lead_new_status = status_link("leads.LeadStatus", _("new lead status"))
    lead_converted_status = status_link("leads.LeadStatus", _("converted lead status"))
    lead_lost_status = status_link("leads.LeadStatus", _("lost lead status"))
    opportunity_new_status = status_link("opportunities.OpportunityStatus", _("new opportunity status"))
    opportunity_proposal_status = status_link("opportunities.OpportunityStatus", _("proposal status"))
    opportunity_won_status = status_link("opportunities.OpportunityStatus", _("won opportunity status"))
    opportunity_lost_status = status_link("opportunities.OpportunityStatus", _("lost opportunity status"))
    prospect_new_status = status_link(ProspectStatus, _("new prospect status"))
    prospect_won_status = status_link(ProspectStatus, _("won prospect status"))
    prospect_lost_status = status_link(ProspectStatus, _("lost prospect status"))
    manage_prospect_statuses = models.BooleanField(_("manage prospect statuses"), default=False)
    manage_catalogs = models.BooleanField(_("manage catalogs"), default=False)
    close_won_on_quote_confirmed = models.BooleanField(
        _("close an opportunity as won when one of its quotes is confirmed"), default=False
    )

    class Meta:
        verbose_name = _("CRM settings")
        verbose_name_plural = _("CRM settings")

    def __str__(self) -> str:
        return str(_("CRM settings"))

    @classmethod
    def load(cls) -> "CrmSettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
