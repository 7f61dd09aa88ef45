"""Database-level guards of the ledger, per vendor (the model refuses the same things in Python).

- updates of ledger transactions and entries are refused, always;
- deletes are refused (SQLite: except inside the project's whole-database flush, see `funding.dbguard`;
  PostgreSQL: TRUNCATE, which needs the table owner, is what flush uses);
- a transaction row is refused unless its entries (inserted first) number at least two and sum to zero;
- entries cannot be added to a transaction already posted;
- PostgreSQL additionally checks, at commit (deferred constraint trigger, as django-hordak does), that
  every transaction touched by inserted entries balances.
"""

from django.db import migrations

TABLES = ("funding_entry", "funding_ledgertransaction")

SQLITE_FORWARD = []
SQLITE_BACKWARD = []
for table in TABLES:
    SQLITE_FORWARD += [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only: updates are refused'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            WHEN swingfund_ledger_maintenance() = 0
            BEGIN SELECT RAISE(ABORT, '{table} is append-only: deletes are refused'); END;""",
    ]
    SQLITE_BACKWARD += [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
SQLITE_FORWARD += [
    """CREATE TRIGGER funding_entry_sealed BEFORE INSERT ON funding_entry
       WHEN EXISTS (SELECT 1 FROM funding_ledgertransaction WHERE id = NEW.transaction_id)
       BEGIN SELECT RAISE(ABORT, 'ledger transaction already posted: entries cannot be added'); END;""",
    """CREATE TRIGGER funding_ledgertransaction_balanced AFTER INSERT ON funding_ledgertransaction
       WHEN (SELECT COUNT(*) FROM funding_entry WHERE transaction_id = NEW.id) < 2
         OR (SELECT SUM(amount_pence) FROM funding_entry WHERE transaction_id = NEW.id) != 0
       BEGIN SELECT RAISE(ABORT, 'ledger transaction is unbalanced: entries must sum to zero'); END;""",
]
SQLITE_BACKWARD += [
    "DROP TRIGGER IF EXISTS funding_entry_sealed;",
    "DROP TRIGGER IF EXISTS funding_ledgertransaction_balanced;",
]

POSTGRES_FORWARD = [
    """CREATE FUNCTION funding_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, lower(TG_OP); END $$;""",
    """CREATE TRIGGER funding_entry_append_only BEFORE UPDATE OR DELETE ON funding_entry
       FOR EACH ROW EXECUTE FUNCTION funding_refuse_change();""",
    """CREATE TRIGGER funding_ledgertransaction_append_only BEFORE UPDATE OR DELETE ON funding_ledgertransaction
       FOR EACH ROW EXECUTE FUNCTION funding_refuse_change();""",
    """CREATE FUNCTION funding_entry_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM funding_ledgertransaction WHERE id = NEW.transaction_id) THEN
           RAISE EXCEPTION 'ledger transaction #% already posted: entries cannot be added', NEW.transaction_id;
         END IF;
         RETURN NEW;
       END $$;""",
    """CREATE TRIGGER funding_entry_sealed BEFORE INSERT ON funding_entry
       FOR EACH ROW EXECUTE FUNCTION funding_entry_sealed();""",
    """CREATE FUNCTION funding_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE total bigint; lines integer; tx bigint;
       BEGIN
         IF TG_TABLE_NAME = 'funding_entry' THEN tx := NEW.transaction_id; ELSE tx := NEW.id; END IF;
         SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) INTO total, lines FROM funding_entry
           WHERE transaction_id = tx;
         IF total <> 0 OR lines < 2 THEN
           RAISE EXCEPTION 'ledger transaction #% is unbalanced: % entries sum to % pence', tx, lines, total;
         END IF;
         RETURN NULL;
       END $$;""",
    """CREATE TRIGGER funding_ledgertransaction_balanced AFTER INSERT ON funding_ledgertransaction
       FOR EACH ROW EXECUTE FUNCTION funding_transaction_balanced();""",
    """CREATE CONSTRAINT TRIGGER funding_entry_balanced_at_commit AFTER INSERT ON funding_entry
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funding_transaction_balanced();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS funding_entry_balanced_at_commit ON funding_entry;",
    "DROP TRIGGER IF EXISTS funding_ledgertransaction_balanced ON funding_ledgertransaction;",
    "DROP TRIGGER IF EXISTS funding_entry_sealed ON funding_entry;",
    "DROP TRIGGER IF EXISTS funding_ledgertransaction_append_only ON funding_ledgertransaction;",
    "DROP TRIGGER IF EXISTS funding_entry_append_only ON funding_entry;",
    "DROP FUNCTION IF EXISTS funding_transaction_balanced();",
    "DROP FUNCTION IF EXISTS funding_entry_sealed();",
    "DROP FUNCTION IF EXISTS funding_refuse_change();",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
