from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The three roles of the CRM, each backed by an auth group of the same name."""

    REP = "Sales rep", _("Sales rep")
    MANAGER = "Sales manager", _("Sales manager")
    ADMIN = "Admin", _("Admin")


class Company(models.Model):
    """A legal entity of the group using the CRM (multi-company): records belong to one or several."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    companies = models.ManyToManyField(Company, blank=True, related_name="users", verbose_name=_("companies"))
    active_company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("active company"),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=[("fr", _("French")), ("en", _("English"))], default="fr"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role(self) -> Role:
        if self.is_superuser:
            return Role.ADMIN
        names = set(self.groups.values_list("name", flat=True))
        for role in (Role.ADMIN, Role.MANAGER):
            if role.value in names:
                return role
        return Role.REP

    @cached_property
    def team_ids(self) -> list[int]:
        return list(self.teams.values_list("pk", flat=True))

    @cached_property
    def company_ids(self) -> list[int]:
        return list(self.companies.values_list("pk", flat=True))

    @property
    def initials(self) -> str:
        parts = [self.first_name[:1], self.last_name[:1]]
        return ("".join(parts) or self.username[:2]).upper()


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    leader = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(User, blank=True, related_name="teams", verbose_name=_("members"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("company"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
