"""The three role groups with their permissions, the reference sequence and French default lists."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REP_MODELS = ["thirdparty", "contact", "address"]
REFERENCE_MODELS = [
    "industrysector",
    "department",
    "jobfunction",
    "contactrole",
    "leadsource",
    "thirdpartycategory",
    "legalform",
    "lostreason",
    "tag",
]

REFERENCE_DATA = {
    "LegalForm": ["SA", "SARL", "SAS", "SASU", "EURL", "EI", "SCI", "SNC", "Association", "Administration"],
    "IndustrySector": [
        "Agroalimentaire",
        "Banque / Assurance",
        "BTP / Matériaux de construction",
        "Chimie / Parachimie",
        "Commerce / Négoce / Distribution",
        "Édition / Communication / Multimédia",
        "Électronique / Électricité",
        "Études et conseils",
        "Industrie pharmaceutique",
        "Informatique / Télécoms",
        "Machines et équipements / Automobile",
        "Métallurgie / Travail du métal",
        "Services aux entreprises",
        "Textile / Habillement / Chaussure",
        "Transports / Logistique",
    ],
    "LeadSource": [
        "Site web",
        "Salon",
        "Recommandation",
        "Campagne e-mail",
        "Appel entrant",
        "Partenaire",
        "LinkedIn",
    ],
    "Department": [
        "Direction générale",
        "Achats",
        "Commercial",
        "Marketing",
        "Finance",
        "Informatique",
        "Production",
    ],
    "JobFunction": [
        "Dirigeant",
        "Directeur commercial",
        "Responsable achats",
        "Directeur financier",
        "DSI",
        "Assistant(e)",
    ],
    "ContactRole": ["Décideur", "Prescripteur", "Utilisateur", "Comptabilité fournisseurs"],
    "ThirdPartyCategory": ["Grand compte", "PME", "Administration", "Revendeur"],
    "LostReason": [
        "Prix trop élevé",
        "Concurrent retenu",
        "Projet abandonné",
        "Pas de budget",
        "Sans réponse",
    ],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    crm_perms = Permission.objects.filter(content_type__app_label="crm")

    def perms(models, actions):
        codenames = [f"{action}_{model}" for model in models for action in actions]
        return crm_perms.filter(codename__in=codenames)

    rep, _ = Group.objects.get_or_create(name="Sales rep")
    rep.permissions.set(
        list(perms(REP_MODELS, ["add", "change", "view"])) + list(perms(REFERENCE_MODELS, ["add", "view"]))
    )
    manager, _ = Group.objects.get_or_create(name="Sales manager")
    manager.permissions.set(
        list(perms(REP_MODELS, ["add", "change", "delete", "view"]))
        + list(perms(REFERENCE_MODELS, ["add", "change", "view"]))
    )
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(list(Permission.objects.all()))

    apps.get_model("crm", "Sequence").objects.get_or_create(code="third_party", defaults={"prefix": "T"})
    for model_name, names in REFERENCE_DATA.items():
        model = apps.get_model("crm", model_name)
        for name in names:
            model.objects.get_or_create(name=name)
    Tag = apps.get_model("crm", "Tag")
    for name, colour in [("VIP", "#c0392b"), ("Salon 2026", "#2980b9"), ("À relancer", "#e67e22")]:
        Tag.objects.get_or_create(name=name, defaults={"colour": colour})


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
