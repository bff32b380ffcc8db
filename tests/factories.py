import factory
from django.contrib.auth.models import Group

from crm.models import Address, Company, Contact, CrmSettings, Role, Team, ThirdParty, User
from leads.models import Lead, LeadStatus
from opportunities.models import Opportunity, OpportunityStatus, Quote

VALID_SIRETS = ["73282932000074", "55210055400013", "44306184100047", "35600000000048"]


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Société {n}")
    code = factory.Sequence(lambda n: f"C{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.fr")
    password = factory.django.Password("demo")

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted.value))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Équipe {n}")


class ThirdPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThirdParty
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    reference = factory.Sequence(lambda n: f"TF{n:06d}")
    is_prospect = True

    @factory.post_generation
    def companies(self, create: bool, extracted: list[Company] | None, **kwargs: object) -> None:
        if create and extracted:
            self.companies.set(extracted)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    third_party = factory.SubFactory(ThirdPartyFactory)
    line1 = "12 rue de la Paix"
    postcode = "75002"
    city = "Paris"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    first_name = "Lucie"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.LazyAttribute(lambda c: f"{c.last_name.lower()}@apollo.fr")
    email_domain = "apollo.fr"

    @factory.post_generation
    def companies(self, create: bool, extracted: list[Company] | None, **kwargs: object) -> None:
        if create and extracted:
            self.companies.set(extracted)


def configured_lead_new_status() -> LeadStatus | None:
    return CrmSettings.load().lead_new_status


def configured_opportunity_new_status() -> OpportunityStatus | None:
    return CrmSettings.load().opportunity_new_status


class LeadFactory(factory.django.DjangoModelFactory):
    """An open lead in the configured new status (`stage` is protected: it stays at its default)."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    company_name = factory.Sequence(lambda n: f"Société Lead {n}")
    first_name = "Jeanne"
    last_name = factory.Sequence(lambda n: f"Lefebvre{n}")
    email = factory.LazyAttribute(lambda lead: f"{lead.last_name.lower()}@prospect.fr")
    status = factory.LazyFunction(configured_lead_new_status)

    @factory.post_generation
    def tags(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An open opportunity in the configured new status (`stage` is protected: it stays at its default)."""

    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Affaire {n}")
    third_party = factory.SubFactory(ThirdPartyFactory)
    status = factory.LazyFunction(configured_opportunity_new_status)


class QuoteFactory(factory.django.DjangoModelFactory):
    """A draft quote (`status` is protected: it stays at its default) of an opportunity's third party."""

    class Meta:
        model = Quote

    reference = factory.Sequence(lambda n: f"DF{n:06d}")
    opportunity = factory.SubFactory(OpportunityFactory)
    third_party = factory.LazyAttribute(lambda quote: quote.opportunity.third_party)
    company = factory.LazyAttribute(lambda quote: quote.opportunity.company)
