from django.db import migrations, models
from django.db.models.functions import Upper

from crm.db import PostgresOnlySQL, trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("crm", "0011_listlayout")]

    operations = [
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        trigram_indexes("crm_thirdparty", ["name", "email"]),
        trigram_indexes("crm_contact", ["last_name", "first_name", "email"]),
        migrations.AddIndex(
            model_name="thirdparty",
            index=models.Index(fields=["name", "id"], name="thirdparty_name"),
        ),
        migrations.AddIndex(
            model_name="thirdparty",
            index=models.Index(Upper("reference"), name="thirdparty_reference_upper"),
        ),
    ]
