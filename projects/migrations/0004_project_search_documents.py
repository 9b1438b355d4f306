"""Stored search documents for projects, on PostgreSQL only: since replaced.

Each language's weighted document was a stored generated column here, GIN-indexed; 0012
replaces them with the models' own search document fields and their indexes, dropping the
columns where a database has them. A new database needs none of it, so nothing is done
here any more (the code this migration ran was the old search module's, which is gone)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_public_list_indexes"),
    ]

    operations = []
