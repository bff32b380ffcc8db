"""Normalised keys for duplicate detection: case-, accent- and space-insensitive, stored and indexed."""

import unicodedata

from django.db import models


def duplicate_key(value: str | None) -> str:
    """'  Société  Générale ' and 'societegenerale' share the key 'societegenerale'."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(without_accents.casefold().split())[:255]


class DuplicateKeysMixin(models.Model):
    """Keeps `<field>_key` columns in step with `<field>` for each name in `duplicate_key_fields`.

    Bulk loads bypass save(): they call `update_duplicate_keys()` on each object themselves.
    """

    duplicate_key_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.update_duplicate_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            changed = set(update_fields)
            kwargs["update_fields"] = changed | {
                f"{n}_key" for n in self.duplicate_key_fields if n in changed
            }
        super().save(*args, **kwargs)

    def update_duplicate_keys(self) -> None:
        for name in self.duplicate_key_fields:
            setattr(self, f"{name}_key", duplicate_key(getattr(self, name)))


def key_field() -> models.CharField:
    return models.CharField(max_length=255, blank=True, default="", editable=False, db_index=True)
