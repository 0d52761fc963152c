"""The database itself keeps the ledger honest: entries and journals cannot be changed or deleted, and
every INSERT of entries must leave each journal it touches summing to zero. The check is a statement
trigger over the inserted rows (set-based, so settling a million commissions stays fast); it is why a
journal's entries are always written in one INSERT statement."""

from django.db import migrations

SQL = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_journal_append_only BEFORE UPDATE OR DELETE ON ledger_journal
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced bigint;
BEGIN
    SELECT e.journal_id INTO unbalanced
      FROM ledger_entry e
     WHERE e.journal_id IN (SELECT DISTINCT journal_id FROM inserted)
     GROUP BY e.journal_id
    HAVING sum(e.amount_fen) <> 0
     LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger journal % does not sum to zero', unbalanced;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_balanced();
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_journal_append_only ON ledger_journal;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
