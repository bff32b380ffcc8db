"""Who sees which record: the one place every view, the API and the reports go through.

- a sales rep sees the records assigned to them or to one of their teams;
- a sales manager sees those too, plus every record of their companies;
- an admin sees everything.
"""

from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Exists, Model, OuterRef, Q, QuerySet, Value

from .models import Activity, Contact, Role, ThirdParty, User

M = TypeVar("M", bound=Model)


def sees_everything(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def visible_records(queryset: QuerySet[M], *, user: User) -> QuerySet[M]:
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sees_everything(user):
        return queryset
    condition = Q(assigned_user=user.pk) | Q(team__in=user.team_ids)
    if user.role == Role.MANAGER:
        condition |= _company_condition(queryset.model, user.company_ids)
    return queryset.filter(condition)


def is_visible(related: QuerySet, *, user: User) -> Exists | Value:
    """An annotation saying whether the related record (`related` is filtered on OuterRef) is visible.

    For whom sees everything it is a constant: an EXISTS the database would answer by hashing a whole
    table for each page of a list.
    """
    if sees_everything(user):
        return Value(True, output_field=BooleanField())
    return Exists(visible_records(related, user=user))


def visible_activities(*, user: User) -> QuerySet[Activity]:
    """Timeline entries of the records the user can see; configuration changes only for admins."""
    from events.models import Event
    from events.selectors import events_visible
    from leads.models import Lead
    from opportunities.models import Opportunity, Quote

    activities = Activity.objects.all()
    if sees_everything(user):
        return activities
    condition = Q(pk__in=[])
    for model in (ThirdParty, Contact, Lead, Opportunity, Quote):
        content_type = ContentType.objects.get_for_model(model)
        visible_ids = visible_records(model.objects.all(), user=user).values("pk")
        condition |= Q(content_type=content_type, object_id__in=visible_ids)
    event_type = ContentType.objects.get_for_model(Event)
    condition |= Q(content_type=event_type, object_id__in=events_visible(user=user).values("pk"))
    return activities.filter(condition)


def _company_condition(model: type[Model], company_ids: list[int]) -> Q:
    field_names = {field.name for field in model._meta.get_fields()}
    if "companies" in field_names:
        through = model._meta.get_field("companies").remote_field.through  # type: ignore[union-attr]
        own_key = f"{model._meta.model_name}_id"
        memberships = through.objects.filter(**{own_key: OuterRef("pk"), "company_id__in": company_ids})
        return Q(Exists(memberships))
    if "company" in field_names:
        return Q(company__in=company_ids)
    raise TypeError(f"{model.__name__} has no company field: cannot apply company visibility.")
