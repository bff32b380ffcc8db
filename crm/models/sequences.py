from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named counter for automatic references (T000042); reserved in blocks for bulk loads."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    prefix = models.CharField(_("prefix"), max_length=10)
    padding = models.PositiveSmallIntegerField(_("padding"), default=6)
    next_value = models.PositiveBigIntegerField(_("next value"), default=1)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self) -> str:
        return self.code

    @classmethod
    def reserve(cls, code: str, *, count: int = 1, prefix: str = "") -> list[str]:
        with transaction.atomic():
            sequence, _created = cls.objects.select_for_update().get_or_create(
                code=code, defaults={"prefix": prefix or code[:1].upper()}
            )
            first = sequence.next_value
            sequence.next_value = first + count
            sequence.save(update_fields=["next_value"])
        return [f"{sequence.prefix}{value:0{sequence.padding}d}" for value in range(first, first + count)]
