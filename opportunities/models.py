from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from crm.models import Company, Contact, LeadSource, LostReason, OwnedRecord, Tag, ThirdParty
from crm.models.parties import kanban_rank_default
from crm.models.records import scoring_field
from crm.models.statuses import StatusBase
from leads.models import Lead


def money_field(label: Any, **options: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **options)


class OpportunityStatus(StatusBase):
    class Meta(StatusBase.Meta):
        verbose_name = _("opportunity status")
        verbose_name_plural = _("opportunity statuses")


class OpportunityStage(models.TextChoices):
    OPEN = "open", _("open")
    WON = "won", _("won")
    LOST = "lost", _("lost")


class Opportunity(ConcurrentTransitionMixin, OwnedRecord):
    name = models.CharField(_("name"), max_length=200)
    third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("customer / prospect"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("contact"),
    )
    status = models.ForeignKey(
        OpportunityStatus, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("status")
    )
    stage = FSMField(
        _("stage"),
        default=OpportunityStage.OPEN,
        choices=OpportunityStage.choices,
        protected=True,
        db_index=True,
    )
    scoring = scoring_field()
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    amount = money_field(_("amount"), default=Decimal("0"))
    best_case = money_field(_("best case"), null=True, blank=True)
    worst_case = money_field(_("worst case"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("company")
    )
    source = models.ForeignKey(
        LeadSource, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="opportunities", verbose_name=_("tags"))
    lost_reason = models.ForeignKey(
        LostReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("lost reason")
    )
    origin_lead = models.ForeignKey(
        Lead,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("origin lead"),
    )
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True, db_index=True)
    # The card's place in its Kanban column (crm.kanban): lower first.
    kanban_rank = models.BigIntegerField(_("Kanban rank"), default=kanban_rank_default, editable=False)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="opportunity_status_created"),
            models.Index(fields=["stage", "expected_close_date"], name="opportunity_stage_close"),
            models.Index(fields=["assigned_user", "stage", "-created_at"], name="opportunity_user_stage"),
            models.Index(fields=["team", "stage", "-created_at"], name="opportunity_team_stage"),
            models.Index(fields=["company", "stage", "-created_at"], name="opportunity_company_stage"),
            models.Index(fields=["third_party", "stage"], name="opportunity_third_party_stage"),
            models.Index(fields=["status", "kanban_rank", "-created_at", "-id"], name="opportunity_kanban"),
            # Sortable columns of the list (the searched name: a trigram index, migration 0006).
            models.Index(fields=["name", "id"], name="opportunity_name"),
            models.Index(fields=["amount", "id"], name="opportunity_amount"),
            models.Index(fields=["expected_close_date", "id"], name="opportunity_close_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0) & models.Q(probability__lte=100),
                name="opportunity_probability_percent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opportunity_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage == OpportunityStage.OPEN

    @transition(
        field=stage,
        source=OpportunityStage.OPEN,
        target=OpportunityStage.WON,
        permission="opportunities.change_opportunity",
    )
    def win(self) -> None:
        """Status, closing date and the prospect's promotion are set by opportunities.services."""

    @transition(
        field=stage,
        source=OpportunityStage.OPEN,
        target=OpportunityStage.LOST,
        permission="opportunities.change_opportunity",
    )
    def lose(self) -> None:
        """Status, lost reason and closing date are set by opportunities.services."""

    @transition(
        field=stage,
        source=[OpportunityStage.WON, OpportunityStage.LOST],
        target=OpportunityStage.OPEN,
        permission="opportunities.change_opportunity",
    )
    def reopen(self) -> None:
        """Back to an open status, set by opportunities.services."""


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    CONFIRMED = "confirmed", _("confirmed")
    REFUSED = "refused", _("refused")


class Quote(ConcurrentTransitionMixin, OwnedRecord):
    """A minimal sales quote; once confirmed it is the sales order."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("opportunity")
    )
    third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("third party"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("company")
    )
    status = FSMField(_("status"), default=QuoteStatus.DRAFT, choices=QuoteStatus.choices, protected=True)
    total = money_field(_("total excl. tax"), default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("quote_detail", args=[self.pk])

    @transition(field=status, source=QuoteStatus.DRAFT, target=QuoteStatus.SENT)
    def send(self) -> None:
        """Marks the quote as sent to the customer."""

    @transition(field=status, source=[QuoteStatus.DRAFT, QuoteStatus.SENT], target=QuoteStatus.CONFIRMED)
    def confirm(self) -> None:
        """The customer accepted: the quote becomes the sales order."""

    @transition(field=status, source=[QuoteStatus.DRAFT, QuoteStatus.SENT], target=QuoteStatus.REFUSED)
    def refuse(self) -> None:
        """The customer declined."""


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quote"))
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    label = models.CharField(_("label"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    unit_price = money_field(_("unit price"))

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["sequence", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
