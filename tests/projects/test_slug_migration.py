"""Funders and partners stored before they had slugs get unique ones when the database is
migrated (projects/migrations/0009_fill_slugs.py), so the spreadsheet can name them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import Funder, Partner

BEFORE = [("projects", "0008_funder_partner_slug")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stored_funders_and_partners_get_unique_slugs():
    apps = migrate(BEFORE)
    try:
        Region = apps.get_model("projects", "Region")
        Country = apps.get_model("projects", "Country")
        OldFunder = apps.get_model("projects", "Funder")
        OldPartner = apps.get_model("projects", "Partner")
        region = Region.objects.create(name="Asien", name_sv="Asien", slug="asien")
        manila = Country.objects.create(name="Filippinerna", name_sv="Filippinerna",
                                        slug="filippinerna", iso_code="PH", region=region)
        OldFunder.objects.create(name="Sida", name_sv="Sida", short_name="Sida")
        OldFunder.objects.create(name="Solidaritetsfonden", name_sv="Solidaritetsfonden")
        OldFunder.objects.create(name="Sida", name_sv="Sida", short_name="")
        for _ in range(2):
            OldPartner.objects.create(name="Kvinnocentret", country=manila)
        OldPartner.objects.create(name="مركز المرأة", country=manila)
    finally:
        migrate_to_latest()

    assert sorted(Funder.objects.values_list("slug", flat=True)) == [
        "sida", "sida-2", "solidaritetsfonden"]
    partners = list(Partner.objects.order_by("pk").values_list("slug", flat=True))
    assert partners[:2] == ["kvinnocentret", "kvinnocentret-2"]
    # A name of no Latin letters still gets a slug.
    assert partners[2].startswith("partner-")
