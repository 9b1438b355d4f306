"""Funders and partners get a slug: their key in the project spreadsheet, where a funder's
short name (which may be empty) and a partner's name (not unique) could not tell them
apart. Added empty here, filled in 0009, made unique and never empty in 0010 (Django's
recipe for a unique field on a table with rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_project_search_term_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="funder",
            name="slug",
            field=models.SlugField(default="", max_length=100, verbose_name="slug"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="partner",
            name="slug",
            field=models.SlugField(default="", max_length=100, verbose_name="slug"),
            preserve_default=False,
        ),
    ]
