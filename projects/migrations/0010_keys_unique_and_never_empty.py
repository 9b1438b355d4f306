"""Funders and partners: a unique slug; programmes, themes, funders and partners: the
database refuses an empty slug (the keys of the project spreadsheet, see 0008)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0009_fill_slugs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='funder',
            name='slug',
            field=models.SlugField(max_length=100, unique=True, verbose_name='slug'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='slug',
            field=models.SlugField(max_length=100, unique=True, verbose_name='slug'),
        ),
        migrations.AddConstraint(
            model_name='funder',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='projects_funder_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='partner',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='projects_partner_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='programme',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='projects_programme_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='theme',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='projects_theme_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
    ]
