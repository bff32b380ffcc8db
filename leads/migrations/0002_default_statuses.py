from django.db import migrations

# (French name, English name, open?, colour)
LEAD_STATUSES = [
    ("À traiter", "To process", True, "#5b8def"),
    ("Qualification marketing", "Marketing qualification", True, "#8e6bd8"),
    ("Qualification commerciale", "Sales qualification", True, "#d89b2b"),
    ("Nurturing", "Nurturing", True, "#2bb3a3"),
    ("Converti", "Converted", False, "#2e9d4f"),
    ("Perdu", "Lost", False, "#c0392b"),
]


def forwards(apps, schema_editor):
    LeadStatus = apps.get_model("leads", "LeadStatus")
    for sequence, (name, name_en, is_open, colour) in enumerate(LEAD_STATUSES, start=1):
        LeadStatus.objects.get_or_create(
            name=name,
            defaults={"name_en": name_en, "is_open": is_open, "colour": colour, "sequence": sequence * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
