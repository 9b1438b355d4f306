"""GIN indexes for the site search over projects, on PostgreSQL only: since replaced.

Each language's project vector was indexed as an expression here; 0004 moved the indexes
onto stored generated columns, and 0012 replaces those with the models' own search
document fields and their indexes, dropping whatever a database still has of this. A new
database needs none of it, so nothing is done here any more (the code this migration ran
was the old search module's, which is gone)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = []
