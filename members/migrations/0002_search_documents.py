"""Stored search documents for member organisations and networks, on PostgreSQL only:
since replaced.

Each language's weighted document was a stored generated column here; 0004 replaces them
with the models' own search document fields, dropping the columns where a database has
them. A new database needs none of it, so nothing is done here any more (the code this
migration ran was the old search module's, which is gone)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = []
