from django.db import migrations


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
    )
    PeriodicTask.objects.get_or_create(
        name="Clear expired sessions",
        defaults={"task": "crm.tasks.clear_expired_sessions", "crontab": nightly},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_groups_and_reference_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
