from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import ActivityVerb, ApiToken, User
from crm.services.activity import activity_record
from crm.workflow import WorkflowRefused

MAX_ACTIVE_TOKENS = 20


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the raw secret is returned once and never stored."""
    with transaction.atomic():
        if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
            raise WorkflowRefused(
                _("You already have %(count)d active tokens: revoke one first.")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        token, raw = ApiToken.issue(user=user, name=name)
        activity_record(record=token, actor=user, verb=ActivityVerb.CREATED, message=str(token))
    return token, raw


def api_token_revoke(*, token: ApiToken, user: User) -> None:
    if token.user_id != user.pk:
        raise WorkflowRefused(_("This token is not yours."))
    with transaction.atomic():
        token.revoke()
        activity_record(record=token, actor=user, verb=ActivityVerb.DELETED, message=str(token))
