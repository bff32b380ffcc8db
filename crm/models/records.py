from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .users import Team


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class OwnedRecord(models.Model):
    """A business record: assigned to a user and a team, versioned for optimistic locking.

    Record visibility (crm.visibility) relies on the `assigned_user` and `team` fields and on
    either a `companies` many-to-many or a `company` foreign key.
    """

    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Fields owned by an external master system (a connector): read-only in the CRM's forms.
    locked_fields = models.JSONField(_("locked fields"), default=list, blank=True, editable=False)

    class Meta:
        abstract = True


class PostalAddress(models.Model):
    line1 = models.CharField(_("address"), max_length=200, blank=True)
    line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="FR", blank=True)

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.postcode, self.city.upper()) if part)
        country = self.country.name if self.country and self.country.code != "FR" else ""  # type: ignore[attr-defined]
        return [line for line in (self.line1, self.line2, city_line, country) if line]


def scoring_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        _("scoring"), default=0, validators=[MaxValueValidator(5)], help_text=_("From 0 to 5 stars.")
    )
