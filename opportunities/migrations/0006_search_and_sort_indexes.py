from django.db import migrations, models

from crm.db import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0005_opportunity_tags"), ("crm", "0012_search_and_sort_indexes")]

    operations = [
        trigram_indexes("opportunities_opportunity", ["name"]),
        migrations.AddIndex(
            model_name="opportunity", index=models.Index(fields=["name", "id"], name="opportunity_name")
        ),
        migrations.AddIndex(
            model_name="opportunity", index=models.Index(fields=["amount", "id"], name="opportunity_amount")
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["expected_close_date", "id"], name="opportunity_close_date"),
        ),
    ]
