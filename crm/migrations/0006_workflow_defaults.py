"""Default prospect statuses, the CRM settings row mapping what each status means, role permissions
for leads, opportunities and quotes, and the duplicate keys of existing rows."""

import unicodedata

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROSPECT_STATUSES = [
    ("À traiter", "To process", True, "#5b8def"),
    ("Qualification marketing", "Marketing qualification", True, "#8e6bd8"),
    ("Qualification commerciale", "Sales qualification", True, "#d89b2b"),
    ("Nurturing", "Nurturing", True, "#2bb3a3"),
    ("Gagné", "Won", False, "#2e9d4f"),
    ("Perdu", "Lost", False, "#c0392b"),
]

WORKFLOW_MODELS = {"leads": ["lead"], "opportunities": ["opportunity", "quote", "quoteline"]}


def duplicate_key(value):
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())[:255]


def forwards(apps, schema_editor):
    ProspectStatus = apps.get_model("crm", "ProspectStatus")
    for sequence, (name, name_en, is_open, colour) in enumerate(PROSPECT_STATUSES, start=1):
        ProspectStatus.objects.get_or_create(
            name=name,
            defaults={"name_en": name_en, "is_open": is_open, "colour": colour, "sequence": sequence * 10},
        )
    LeadStatus = apps.get_model("leads", "LeadStatus")
    OpportunityStatus = apps.get_model("opportunities", "OpportunityStatus")
    settings, _ = apps.get_model("crm", "CrmSettings").objects.get_or_create(pk=1)
    settings.lead_new_status = LeadStatus.objects.get(name="À traiter")
    settings.lead_converted_status = LeadStatus.objects.get(name="Converti")
    settings.lead_lost_status = LeadStatus.objects.get(name="Perdu")
    settings.opportunity_new_status = OpportunityStatus.objects.get(name="À traiter")
    settings.opportunity_proposal_status = OpportunityStatus.objects.get(name="Proposition")
    settings.opportunity_won_status = OpportunityStatus.objects.get(name="Fermée gagnée")
    settings.opportunity_lost_status = OpportunityStatus.objects.get(name="Fermée perdue")
    settings.prospect_new_status = ProspectStatus.objects.get(name="À traiter")
    settings.prospect_won_status = ProspectStatus.objects.get(name="Gagné")
    settings.prospect_lost_status = ProspectStatus.objects.get(name="Perdu")
    settings.save()

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, actions in [
        ("Sales rep", ["add", "change", "view"]),
        ("Sales manager", ["add", "change", "delete", "view"]),
        ("Admin", ["add", "change", "delete", "view"]),
    ]:
        group = Group.objects.get(name=group_name)
        for app_label, model_names in WORKFLOW_MODELS.items():
            codenames = [f"{action}_{model}" for model in model_names for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
    Group.objects.get(name="Admin").permissions.add(*Permission.objects.all())

    for model_name, fields in [
        ("ThirdParty", ["name", "email"]),
        ("Contact", ["last_name", "first_name", "email"]),
    ]:
        model = apps.get_model("crm", model_name)
        for record in model.objects.only("pk", *fields).iterator(chunk_size=2000):
            model.objects.filter(pk=record.pk).update(
                **{f"{field}_key": duplicate_key(getattr(record, field)) for field in fields}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_crmsettings_lead_converted_status_and_more"),
        ("leads", "0002_default_statuses"),
        ("opportunities", "0002_default_statuses"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
