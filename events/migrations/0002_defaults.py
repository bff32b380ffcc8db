"""Default event categories, the "EventReminder" and "Catalog sending" message templates in French and
English, the role permissions on events, and the periodic task that sends due reminders."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (code, type, French name): the defaults of Axelor's "Catégories d'événements".
CATEGORIES = [
    ("MEETING_CUSTOMER", "meeting", "Rendez-vous client"),
    ("MEETING_SUPPLIER", "meeting", "Rendez-vous fournisseur"),
    ("MEETING_INTERNAL", "meeting", "Réunion interne"),
    ("MEETING_TRAINING", "meeting", "Formation"),
    ("MEETING_EVENT", "meeting", "Événementiel"),
    ("CALL_PROSPECTING", "call", "Appel de prospection"),
    ("CALL_FOLLOW_UP", "call", "Appel de suivi"),
    ("TASK_FOLLOW_UP", "task", "Relance"),
    ("TASK_QUOTE", "task", "Envoi de devis"),
    ("NOTE_REPORT", "note", "Compte rendu"),
    ("ABSENCE_LEAVE", "absence", "Congés"),
    ("EVENT_TRADE_SHOW", "event", "Salon"),
    ("EVENT_WEBINAR", "event", "Webinaire"),
]

REMINDER_WHEN = (
    '{% if event.all_day %}{{ event.start|date:"DATE_FORMAT" }}{% else %}{{ event.start }}{% endif %}'
)

# (name, language, subject, body, signature)
TEMPLATES = [
    (
        "EventReminder",
        "fr",
        "Rappel : {{ event.subject }}",
        "Bonjour {{ recipient.name }},\n\n"
        "Nous vous rappelons l'événement « {{ event.subject }} » ({{ event.type }}) prévu le "
        + REMINDER_WHEN
        + "{% if event.location %}, lieu : {{ event.location }}{% endif %}."
        "{% if event.third_party or event.contact %}\n{% endif %}"
        "{% if event.third_party %}\nTiers : {{ event.third_party }}{% endif %}"
        "{% if event.contact %}\nContact : {{ event.contact }}{% endif %}"
        "{% if event.description %}\n\n{{ event.description }}{% endif %}",
        "Cordialement,\n{{ sender.name }}",
    ),
    (
        "EventReminder",
        "en",
        "Reminder: {{ event.subject }}",
        "Hello {{ recipient.name }},\n\n"
        "This is a reminder of “{{ event.subject }}” ({{ event.type }}) on "
        + REMINDER_WHEN
        + "{% if event.location %}, at {{ event.location }}{% endif %}."
        "{% if event.third_party or event.contact %}\n{% endif %}"
        "{% if event.third_party %}\nThird party: {{ event.third_party }}{% endif %}"
        "{% if event.contact %}\nContact: {{ event.contact }}{% endif %}"
        "{% if event.description %}\n\n{{ event.description }}{% endif %}",
        "Best regards,\n{{ sender.name }}",
    ),
    (
        "Catalog sending",
        "fr",
        "Notre catalogue {{ catalog.name }}",
        "Bonjour {{ recipient.name }},\n\n"
        "Veuillez trouver ci-joint notre catalogue « {{ catalog.name }} ».\n\n"
        "Nous restons à votre disposition pour toute question.",
        "Cordialement,\n{{ sender.name }}",
    ),
    (
        "Catalog sending",
        "en",
        "Our catalogue {{ catalog.name }}",
        "Hello {{ recipient.name }},\n\n"
        "Please find attached our catalogue “{{ catalog.name }}”.\n\n"
        "Do not hesitate to contact us with any question.",
        "Best regards,\n{{ sender.name }}",
    ),
]

# group → {model: actions}
PERMISSIONS = {
    "Sales rep": {
        "event": ["add", "change", "view"],
        "eventguest": ["add", "change", "delete", "view"],
        "reminder": ["add", "change", "delete", "view"],
        "recurrence": ["add", "view"],
        "eventcategory": ["view"],
        "messagetemplate": ["view"],
    },
    "Sales manager": {
        "event": ["add", "change", "delete", "view"],
        "eventguest": ["add", "change", "delete", "view"],
        "reminder": ["add", "change", "delete", "view"],
        "recurrence": ["add", "change", "view"],
        "eventcategory": ["add", "change", "view"],
        "messagetemplate": ["view"],
    },
}


def forwards(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    for code, event_type, name in CATEGORIES:
        EventCategory.objects.get_or_create(code=code, defaults={"name": name, "type": event_type})

    MessageTemplate = apps.get_model("events", "MessageTemplate")
    for name, language, subject, body, signature in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            name=name,
            language=language,
            defaults={"media": "email", "subject": subject, "body": body, "signature": signature},
        )

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    events_permissions = Permission.objects.filter(content_type__app_label="events")
    for group_name, models in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*events_permissions.filter(codename__in=codenames))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*events_permissions)

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Send due event reminders",
        defaults={
            "task": "events.tasks.send_due_reminders",
            "interval": every_minute,
            # A run that waited this long in the queue is dropped: the next one does its work.
            "expire_seconds": 300,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("crm", "0002_groups_and_reference_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
