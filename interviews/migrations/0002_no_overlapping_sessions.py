"""On PostgreSQL, the database itself refuses overlapping active sessions for one person in one role.

Exclusion constraints over each session's [start, end) range, per interviewer and per candidate
(btree_gist lets the equality on the person sit in the same GiST index). SQLite has no such
constraint: there the booking service's in-transaction checks (serialised by BEGIN IMMEDIATE)
hold the rule alone.
"""

from django.db import migrations

ACTIVE = "('scheduled', 'completed', 'no_show')"
CONSTRAINTS = {
    "session_interviewer_no_overlap": "interviewer_id",
    "session_candidate_no_overlap": "candidate_id",
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE interviews_session ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE (status IN {ACTIVE})"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE interviews_session DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
