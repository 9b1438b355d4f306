"""How many public projects have each word, on PostgreSQL only: since removed.

A table of the number of public projects with each word, kept by statement-level
triggers, counted one-word searches; 0012 drops the table, its triggers and functions
where a database has them. A new database needs none of it, so nothing is done here any
more (its triggers read the generated columns of 0004, which no longer makes them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_country_programme_search_documents"),
    ]

    operations = []
