"""The lists' search is served by trigram indexes on PostgreSQL (SQLite, the embedded default, scans)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"),
]

SEARCHED = {
    "leads_lead": ["last_name", "first_name", "company_name", "email"],
    "crm_thirdparty": ["name", "email"],
    "crm_contact": ["last_name", "first_name", "email"],
    "opportunities_opportunity": ["name"],
}


def test_every_searched_column_has_a_trigram_index_on_its_upper_case_text():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"]
        )
        found = {(table, name): definition for table, name, definition in cursor.fetchall()}
    for table, columns in SEARCHED.items():
        for column in columns:
            definition = found[(table, f"{table}_{column}_trgm")]
            assert f"gin (upper(({column})::text) gin_trgm_ops)" in definition
