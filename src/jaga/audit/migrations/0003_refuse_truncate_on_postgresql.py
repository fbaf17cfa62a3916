"""On PostgreSQL TRUNCATE passes row triggers: a statement trigger refuses it on the audit log too.

The test suite's own database switches this trigger off (``jaga/conftest.py``): Django empties
tables with TRUNCATE between transactional tests. A test switches it on again to show that it holds.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_refuse_update_and_delete_on_postgresql")]
    operations = [migrations.RunPython(forwards, backwards)]
