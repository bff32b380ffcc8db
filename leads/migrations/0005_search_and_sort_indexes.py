from django.db import migrations, models

from crm.db import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_kanban_rank"), ("crm", "0012_search_and_sort_indexes")]

    operations = [
        trigram_indexes("leads_lead", ["last_name", "first_name", "company_name", "email"]),
        migrations.AddIndex(
            model_name="lead", index=models.Index(fields=["scoring", "id"], name="lead_scoring")
        ),
        migrations.AddIndex(
            model_name="lead", index=models.Index(fields=["last_name", "id"], name="lead_last_name")
        ),
        migrations.AddIndex(
            model_name="lead", index=models.Index(fields=["company_name", "id"], name="lead_company_name")
        ),
        migrations.AddIndex(model_name="lead", index=models.Index(fields=["city", "id"], name="lead_city")),
    ]
