from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION operators_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'operators_auditlog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER operators_auditlog_append_only
    BEFORE UPDATE OR DELETE ON operators_auditlog
    FOR EACH ROW EXECUTE FUNCTION operators_auditlog_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS operators_auditlog_append_only ON operators_auditlog;
DROP FUNCTION IF EXISTS operators_auditlog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("operators", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
