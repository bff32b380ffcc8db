"""Role permissions on catalogs: reps read and send them; managers also upload them and keep the
types; admins do everything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Sales rep": {"catalog": ["view"], "catalogtype": ["view"]},
    "Sales manager": {
        "catalog": ["add", "change", "delete", "view"],
        "catalogtype": ["add", "change", "view"],
    },
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    catalog_permissions = Permission.objects.filter(content_type__app_label="catalogs")
    for group_name, models in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*catalog_permissions.filter(codename__in=codenames))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*catalog_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogs", "0001_initial"),
        ("crm", "0002_groups_and_reference_data"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
