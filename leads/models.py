from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from crm.duplicates import DuplicateKeysMixin, key_field
from crm.models import (
    Civility,
    Company,
    CompanySize,
    Contact,
    Department,
    IndustrySector,
    JobFunction,
    LeadSource,
    LostReason,
    OwnedRecord,
    PostalAddress,
    Tag,
    ThirdParty,
    ThirdPartyCategory,
)
from crm.models.parties import kanban_rank_default
from crm.models.records import scoring_field
from crm.models.statuses import StatusBase
from crm.validators import validate_phone


class LeadStatus(StatusBase):
    class Meta(StatusBase.Meta):
        verbose_name = _("lead status")
        verbose_name_plural = _("lead statuses")


class LeadStage(models.TextChoices):
    """The fixed lifecycle behind the configurable statuses."""

    OPEN = "open", _("open")
    CONVERTED = "converted", _("converted")
    LOST = "lost", _("lost")


class Lead(ConcurrentTransitionMixin, DuplicateKeysMixin, OwnedRecord, PostalAddress):
    duplicate_key_fields = ("company_name", "last_name", "first_name", "email")

    company_name = models.CharField(_("company"), max_length=200, blank=True)
    civility = models.CharField(_("civility"), max_length=5, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    function = models.ForeignKey(
        JobFunction, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("function")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    mobile_phone = models.CharField(_("mobile phone"), max_length=30, blank=True, validators=[validate_phone])
    website = models.URLField(_("website"), blank=True)
    industry_sector = models.ForeignKey(
        IndustrySector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("industry sector")
    )
    do_not_call = models.BooleanField(_("do not call"), default=False)
    do_not_email = models.BooleanField(_("do not email"), default=False)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("company")
    )
    status = models.ForeignKey(
        LeadStatus, on_delete=models.PROTECT, related_name="leads", verbose_name=_("status")
    )
    stage = FSMField(
        _("stage"), default=LeadStage.OPEN, choices=LeadStage.choices, protected=True, db_index=True
    )
    scoring = scoring_field()
    size = models.CharField(_("size"), max_length=20, choices=CompanySize.choices, blank=True)
    is_key_account = models.BooleanField(_("key account"), default=False)
    is_nurturing = models.BooleanField(_("nurturing"), default=False)
    source = models.ForeignKey(
        LeadSource, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    category = models.ForeignKey(
        ThirdPartyCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="leads", verbose_name=_("tags"))
    description = models.TextField(_("description"), blank=True)
    lost_reason = models.ForeignKey(
        LostReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("lost reason")
    )
    lost_note = models.TextField(_("lost note"), blank=True)
    converted_third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="origin_leads",
        verbose_name=_("converted to third party"),
    )
    converted_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="origin_leads",
        verbose_name=_("converted to contact"),
    )
    converted_at = models.DateTimeField(_("converted on"), null=True, blank=True)
    # The card's place in its Kanban column (crm.kanban): lower first.
    kanban_rank = models.BigIntegerField(_("Kanban rank"), default=kanban_rank_default, editable=False)

    company_name_key = key_field()
    last_name_key = key_field()
    first_name_key = key_field()
    email_key = key_field()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="lead_status_created"),
            models.Index(fields=["stage", "-created_at"], name="lead_stage_created"),
            models.Index(fields=["assigned_user", "stage", "-created_at"], name="lead_user_stage"),
            models.Index(fields=["team", "stage", "-created_at"], name="lead_team_stage"),
            models.Index(fields=["company", "stage", "-created_at"], name="lead_company_stage"),
            models.Index(fields=["source", "-created_at"], name="lead_source_created"),
            models.Index(fields=["status", "kanban_rank", "-created_at", "-id"], name="lead_kanban"),
            # Sortable columns of the list (searched columns: trigram indexes, leads migration 0005).
            models.Index(fields=["scoring", "id"], name="lead_scoring"),
            models.Index(fields=["last_name", "id"], name="lead_last_name"),
            models.Index(fields=["company_name", "id"], name="lead_company_name"),
            models.Index(fields=["city", "id"], name="lead_city"),
        ]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return f"{name} ({self.company_name})" if self.company_name else name

    def get_absolute_url(self) -> str:
        return reverse("lead_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_open(self) -> bool:
        return self.stage == LeadStage.OPEN

    @transition(
        field=stage, source=LeadStage.OPEN, target=LeadStage.CONVERTED, permission="leads.change_lead"
    )
    def convert(self) -> None:
        """Statuses, links and Activity are set by leads.services.conversion.lead_convert."""

    @transition(field=stage, source=LeadStage.OPEN, target=LeadStage.LOST, permission="leads.change_lead")
    def lose(self) -> None:
        """The lost status and reason are set by leads.services.lead_lose."""

    @transition(field=stage, source=LeadStage.LOST, target=LeadStage.OPEN, permission="leads.change_lead")
    def reopen(self) -> None:
        """Back to the configured new status, set by leads.services.lead_reopen."""
