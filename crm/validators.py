"""Field rules shared by forms, the API, imports and connectors."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN and follow their own checksum rule (INSEE):
# the sum of the digits is a multiple of 5. Only the head office follows Luhn.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(_("A SIRET number has exactly 14 digits."), code="siret_format")
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        valid = sum(int(c) for c in value) % 5 == 0
    else:
        valid = luhn_is_valid(value)
    if not valid:
        raise ValidationError(_("This SIRET number is not valid (check digit)."), code="siret_checksum")


def normalize_siret(value: str) -> str:
    return "".join(value.split())


def normalize_phone(value: str, *, region: str = "FR") -> str:
    """Return the number in international format, or raise ValidationError."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number."), code="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_phone(value: str) -> None:
    normalize_phone(value)
