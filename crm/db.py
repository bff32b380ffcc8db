"""Database features only PostgreSQL has, applied by migrations; SQLite (the embedded default) skips them."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """SQL run on PostgreSQL only: the other databases work without it, just slower."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_indexes(table: str, columns: list[str]) -> PostgresOnlySQL:
    """Indexes for the lists' full-text search, which Django writes `UPPER(column) LIKE UPPER('%word%')`.

    A trigram index (pg_trgm) answers a LIKE with a leading wildcard without reading the whole table.
    """
    forwards = tuple(
        f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" ON "{table}" '
        f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        for column in columns
    )
    backwards = tuple(f'DROP INDEX IF EXISTS "{table}_{column}_trgm"' for column in columns)
    return PostgresOnlySQL(forwards, backwards)
