"""A member organisation's slug names it in the project spreadsheet: the database refuses
an empty one. Any empty slug stored so far gets one from the name first."""

from django.db import migrations, models
from django.utils.text import slugify

# Room for a "-12" suffix within the slug column (max_length 200).
MAX_BASE = 190


def fill_empty_slugs(apps, schema_editor):
    # As projects/migrations/0009_fill_slugs.py.
    model = apps.get_model("members", "MemberOrganisation")
    taken = set(model.objects.exclude(slug="").values_list("slug", flat=True))
    for row in model.objects.filter(slug="").order_by("pk"):
        base = (slugify(row.name_sv or row.name)[:MAX_BASE].strip("-")
                or f"memberorganisation-{row.pk}")
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        model.objects.filter(pk=row.pk).update(slug=candidate)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_search_documents"),
    ]

    operations = [
        migrations.RunPython(fill_empty_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="memberorganisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug", ""), _negated=True),
                name="members_memberorganisation_slug_not_empty",
                violation_error_message="The slug cannot be empty.",
            ),
        ),
    ]
