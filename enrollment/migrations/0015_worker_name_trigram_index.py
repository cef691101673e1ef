"""A trigram index on workers' names, for the admin's name searches (issue #13).

The admin searches names with ``icontains``: ``UPPER(name) LIKE UPPER('%term%')`` on
PostgreSQL. A GIN index with ``gin_trgm_ops`` on that same expression serves it (7.8 s for
a name over a province's roster entries without). PostgreSQL only: ``pg_trgm`` is a trusted
extension (PostgreSQL 13+), which the database's owner may create. On SQLite nothing
happens: a name search there scans the table, as before.
"""

from django.db import migrations

INDEX = "worker_name_upper_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enrollment_worker "
        "USING gin (UPPER(name) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")  # the extension may serve others


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0014_roster_upload_file_purged_at")]

    operations = [migrations.RunPython(forwards, backwards)]
