"""Reference data: small admin-editable lists that records point to."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceData(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndustrySector(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("industry sector")
        verbose_name_plural = _("industry sectors")


class Department(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class JobFunction(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("function")
        verbose_name_plural = _("functions")


class ContactRole(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")


class LeadSource(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


class ThirdPartyCategory(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("third-party category")
        verbose_name_plural = _("third-party categories")


class LegalForm(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")


class LostReason(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class Tag(ReferenceData):
    colour = models.CharField(_("colour"), max_length=7, default="#6c757d", validators=[colour_validator])

    class Meta(ReferenceData.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
