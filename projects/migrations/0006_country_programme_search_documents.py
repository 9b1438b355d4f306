"""Stored search documents for countries and programmes, on PostgreSQL only.

Every search matched and ranked the few dozen countries, programmes, member organisations
and networks by parsing each one's texts again with to_tsvector (about 0.6 ms of the
search page's database time, most of it the programmes' longer texts). Their documents are
now stored generated columns, as the projects' are (0004); members/migrations/0002 does
the same for member organisations and networks.
"""

from django.db import migrations

from palmecentret.search import store_documents


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_project_search_terms"),
    ]

    operations = [
        store_documents("projects", {
            "Country": (("A", ("name_{lang}",)), ("B", ("focus_{lang}",))),
            "Programme": (("A", ("name_{lang}",)), ("B", ("summary_{lang}",)),
                          ("C", ("body_{lang}",))),
        }),
    ]
