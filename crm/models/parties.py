"""Third parties (prospects, customers, suppliers…), their addresses and their contacts."""

import time

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.duplicates import DuplicateKeysMixin, key_field
from crm.validators import validate_phone, validate_siret

from .records import Language, OwnedRecord, PostalAddress, scoring_field
from .reference import (
    ContactRole,
    Department,
    IndustrySector,
    JobFunction,
    LeadSource,
    LegalForm,
    Tag,
    ThirdPartyCategory,
)
from .statuses import ProspectStatus
from .users import Company


class CompanySize(models.TextChoices):
    MICRO = "micro", _("1 to 9 employees")
    SMALL = "small", _("10 to 49 employees")
    MEDIUM = "medium", _("50 to 249 employees")
    INTERMEDIATE = "intermediate", _("250 to 4,999 employees")
    LARGE = "large", _("5,000 employees or more")


class Civility(models.TextChoices):
    MR = "mr", _("Mr")
    MRS = "mrs", _("Mrs")
    DR = "dr", _("Dr")
    PROF = "prof", _("Prof.")
    MASTER = "me", _("Maître")


TYPE_FLAGS = ("is_prospect", "is_customer", "is_supplier", "is_internal", "is_factor")


def kanban_rank_default() -> int:
    """A new card's rank in its Kanban column (crm.kanban): minus its creation time in microseconds.

    Newer cards come first, and cards created apart leave room between their ranks for the ones
    dragged there later (crm.services.kanban).
    """
    return -(time.time_ns() // 1000)


class ThirdParty(DuplicateKeysMixin, OwnedRecord):
    duplicate_key_fields = ("name", "email")

    name = models.CharField(_("name"), max_length=200, db_index=True)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    is_prospect = models.BooleanField(_("prospect"), default=False)
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_internal = models.BooleanField(_("internal"), default=False)
    is_factor = models.BooleanField(_("factor"), default=False)
    legal_form = models.ForeignKey(
        LegalForm, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("legal form")
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, db_index=True, validators=[validate_siret]
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    mobile_phone = models.CharField(_("mobile phone"), max_length=30, blank=True, validators=[validate_phone])
    note = models.TextField(_("note"), blank=True)
    industry_sector = models.ForeignKey(
        IndustrySector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("industry sector")
    )
    category = models.ForeignKey(
        ThirdPartyCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    size = models.CharField(_("size"), max_length=20, choices=CompanySize.choices, blank=True)
    is_key_account = models.BooleanField(_("key account"), default=False)
    scoring = scoring_field()
    source = models.ForeignKey(
        LeadSource, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    companies = models.ManyToManyField(
        Company, blank=True, related_name="third_parties", verbose_name=_("companies")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent company"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="third_parties", verbose_name=_("tags"))
    prospect_status = models.ForeignKey(
        ProspectStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="third_parties",
        verbose_name=_("prospect status"),
    )
    # The card's place in its column of the prospects' Kanban (crm.kanban): lower first.
    kanban_rank = models.BigIntegerField(_("Kanban rank"), default=kanban_rank_default, editable=False)
    name_key = key_field()
    email_key = key_field()

    class Meta:
        verbose_name = _("third party")
        verbose_name_plural = _("third parties")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["is_prospect", "name"], name="thirdparty_prospect_name"),
            models.Index(fields=["is_customer", "name"], name="thirdparty_customer_name"),
            models.Index(fields=["is_supplier", "name"], name="thirdparty_supplier_name"),
            models.Index(fields=["assigned_user", "name"], name="thirdparty_user_name"),
            models.Index(fields=["team", "name"], name="thirdparty_team_name"),
            models.Index(fields=["email"], name="thirdparty_email"),
            # The list's default order, and its search by reference (name and e-mail: trigram indexes,
            # crm migration 0012).
            models.Index(fields=["name", "id"], name="thirdparty_name"),
            models.Index(Upper("reference"), name="thirdparty_reference_upper"),
            models.Index(
                fields=["prospect_status", "kanban_rank", "-created_at", "-id"],
                condition=Q(is_prospect=True),
                name="thirdparty_prospect_kanban",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("third_party_detail", args=[self.pk])

    @property
    def type_labels(self) -> list[str]:
        labels = []
        for flag in TYPE_FLAGS:
            if getattr(self, flag):
                field = self._meta.get_field(flag)
                labels.append(str(capfirst(field.verbose_name)))  # type: ignore[union-attr]
        return labels


class Address(PostalAddress):
    third_party = models.ForeignKey(
        ThirdParty, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("third party")
    )
    is_invoicing = models.BooleanField(_("invoicing"), default=False)
    is_delivery = models.BooleanField(_("delivery"), default=False)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["third_party"],
                condition=Q(is_default=True),
                name="address_one_default_per_third_party",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(self.address_lines)


class Contact(DuplicateKeysMixin, OwnedRecord, PostalAddress):
    duplicate_key_fields = ("last_name", "first_name", "email")

    civility = models.CharField(_("civility"), max_length=5, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    function = models.ForeignKey(
        JobFunction, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("function")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    role = models.ForeignKey(
        ContactRole, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("role")
    )
    email = models.EmailField(_("email"), blank=True)
    email_secondary = models.EmailField(_("secondary email"), blank=True)
    email_domain = models.CharField(max_length=254, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    mobile_phone = models.CharField(_("mobile phone"), max_length=30, blank=True, validators=[validate_phone])
    do_not_call = models.BooleanField(_("do not call"), default=False)
    do_not_email = models.BooleanField(_("do not email"), default=False)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    companies = models.ManyToManyField(
        Company, blank=True, related_name="contacts", verbose_name=_("companies")
    )
    main_third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="main_contacts",
        verbose_name=_("main third party"),
    )
    third_parties = models.ManyToManyField(
        ThirdParty, blank=True, related_name="contacts", verbose_name=_("third parties")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts", verbose_name=_("tags"))
    note = models.TextField(_("note"), blank=True)
    last_name_key = key_field()
    first_name_key = key_field()
    email_key = key_field()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="contact_name"),
            models.Index(fields=["assigned_user", "last_name"], name="contact_user_name"),
            models.Index(fields=["team", "last_name"], name="contact_team_name"),
            models.Index(fields=["email"], name="contact_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("contact_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)
