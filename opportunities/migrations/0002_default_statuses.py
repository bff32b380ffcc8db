from django.db import migrations

# (French name, English name, open?, colour)
OPPORTUNITY_STATUSES = [
    ("À traiter", "To process", True, "#5b8def"),
    ("Qualification marketing", "Marketing qualification", True, "#8e6bd8"),
    ("Qualification commerciale", "Sales qualification", True, "#d89b2b"),
    ("Nurturing", "Nurturing", True, "#2bb3a3"),
    ("Proposition", "Proposal", True, "#e67e22"),
    ("Fermée gagnée", "Closed won", False, "#2e9d4f"),
    ("Fermée perdue", "Closed lost", False, "#c0392b"),
]


def forwards(apps, schema_editor):
    OpportunityStatus = apps.get_model("opportunities", "OpportunityStatus")
    for sequence, (name, name_en, is_open, colour) in enumerate(OPPORTUNITY_STATUSES, start=1):
        OpportunityStatus.objects.get_or_create(
            name=name,
            defaults={"name_en": name_en, "is_open": is_open, "colour": colour, "sequence": sequence * 10},
        )
    apps.get_model("crm", "Sequence").objects.get_or_create(code="quote", defaults={"prefix": "D"})


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial"), ("crm", "0003_periodic_tasks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
