"""Indexes for the public pages at scale (10,000 projects): partial indexes over the public
projects in the orders the lists show, and (value, project) indexes on the many-to-many
tables that the filters and the per-value counts read from the value's side."""

from django.db import migrations, models

# (index name, through table, value column). The tables' own unique index is
# (project_id, value_id): right for "the countries of these projects" (prefetches, the
# filters' EXISTS), not for "the projects of this country" (country, member and region
# pages, the project index in projects/aggregates.py), which these cover without reading
# the table.
THROUGH_INDEXES = [
    ("project_countries_country_idx", "projects_project_countries", "country_id"),
    ("project_themes_theme_idx", "projects_project_themes", "theme_id"),
    ("project_members_member_idx", "projects_project_member_organisations",
     "memberorganisation_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("projects", "0002_project_search_gin"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="project",
            name="project_public_start_idx",
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("published", True),
                                   models.Q(("visibility", "internal"), _negated=True)),
                fields=["-start_date", "-id"], name="project_public_start_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("published", True),
                                   models.Q(("visibility", "internal"), _negated=True)),
                fields=["-published_at", "-id"], name="project_public_published_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("published", True),
                                   models.Q(("visibility", "internal"), _negated=True)),
                fields=["-updated", "-id"], name="project_public_updated_idx"),
        ),
        # The through tables are Django's own (no model of ours to declare indexes on);
        # this SQL is the same on PostgreSQL and SQLite.
        *(migrations.RunSQL(f'CREATE INDEX "{name}" ON "{table}" ("{column}", "project_id")',
                            f'DROP INDEX "{name}"')
          for name, table, column in THROUGH_INDEXES),
    ]
