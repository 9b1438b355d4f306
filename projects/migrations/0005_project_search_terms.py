"""The words of every public project, ranked, on PostgreSQL only: since removed.

A table of each public project's words with its rank for each, kept by triggers, served
one-word searches; 0012 drops the table, its triggers and functions where a database has
them. A new database needs none of it, so nothing is done here any more (its triggers read
the generated columns of 0004, which no longer makes them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_project_search_documents"),
    ]

    operations = []
