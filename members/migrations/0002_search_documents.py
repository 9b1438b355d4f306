"""Stored search documents for member organisations and networks, on PostgreSQL only
(see projects/migrations/0006_country_programme_search_documents.py)."""

from django.db import migrations

from palmecentret.search import store_documents


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = [
        store_documents("members", {
            "MemberOrganisation": (("A", ("name_{lang}", "short_name")),
                                   ("B", ("description_{lang}",))),
            "Network": (("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",))),
        }),
    ]
