import pytest
from django.core.exceptions import ValidationError

from crm.forms import ContactForm, ThirdPartyForm
from crm.validators import normalize_phone, validate_siret


@pytest.mark.parametrize("siret", ["73282932000074", "55210055400013", "44306184100047"])
def test_it_accepts_a_siret_passing_the_luhn_check(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("7328293200007", "siret_format"),  # 13 digits
        ("732829320000741", "siret_format"),  # 15 digits
        ("7328293200007A", "siret_format"),
        ("73282932000075", "siret_checksum"),  # last digit changed
        ("12345678901234", "siret_checksum"),
    ],
)
def test_it_rejects_a_malformed_siret(siret, code):
    with pytest.raises(ValidationError) as raised:
        validate_siret(siret)
    assert raised.value.code == code


def test_it_accepts_la_poste_establishments_by_their_own_rule():
    # La Poste's establishments: digit sum multiple of 5 (this one fails Luhn); head office: Luhn.
    validate_siret("35600000000001")
    validate_siret("35600000000048")
    with pytest.raises(ValidationError):
        validate_siret("35600000000002")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01 42 68 53 00", "+33 1 42 68 53 00"),
        ("0612345678", "+33 6 12 34 56 78"),
        ("+33 (0)1 42 68 53 00", "+33 1 42 68 53 00"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_it_normalises_phone_numbers_to_the_international_format(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12", "01 42", "not a phone", "+33 1 42 68 53 00 00 00"])
def test_it_rejects_invalid_phone_numbers(typed):
    with pytest.raises(ValidationError):
        normalize_phone(typed)


@pytest.mark.django_db
def test_the_third_party_form_accepts_a_siret_typed_with_spaces_and_stores_digits(cast):
    form = ThirdPartyForm(
        data={"name": "ACME", "siret": "732 829 320 00074", "language": "fr"}, user=cast.rep
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["siret"] == "73282932000074"


@pytest.mark.django_db
def test_the_third_party_form_reports_each_invalid_field_beside_it(cast):
    data = {
        "name": "",
        "siret": "73282932000075",
        "email": "not-an-email",
        "phone": "123",
        "website": "nope",
        "scoring": "7",
        "language": "fr",
    }
    form = ThirdPartyForm(data=data, user=cast.rep)
    assert not form.is_valid()
    assert set(form.errors) == {"name", "siret", "email", "phone", "website", "scoring"}


@pytest.mark.django_db
def test_the_contact_form_rejects_a_bad_email_and_phone(cast):
    form = ContactForm(
        data={
            "last_name": "Michel",
            "email": "l.michel@",
            "mobile_phone": "06",
            "language": "fr",
            "country": "FR",
        },
        user=cast.rep,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"email", "mobile_phone"}
