import factory
from django.contrib.auth.models import Group

from crm.models import Address, Company, Contact, Role, Team, ThirdParty, User

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
