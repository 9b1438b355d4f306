"""A unique slug for every funder and partner (from the funder's short name or name, the
partner's name), and for any programme or theme whose slug is empty, so that 0010 can
make them unique and never empty."""

from django.db import migrations
from django.utils.text import slugify

# Room for a "-12" suffix within the slug columns (max_length 100).
MAX_BASE = 90


def free_slug(base, taken):
    """`base`, or `base-2`, `base-3` ... whichever is not in `taken` (which it joins)."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def fill(model, source):
    """Give every row of `model` with an empty slug one made from source(row)."""
    taken = set(model.objects.exclude(slug="").values_list("slug", flat=True))
    fallback = model._meta.model_name
    for row in model.objects.filter(slug="").order_by("pk"):
        base = slugify(source(row))[:MAX_BASE].strip("-") or f"{fallback}-{row.pk}"
        model.objects.filter(pk=row.pk).update(slug=free_slug(base, taken))


def fill_slugs(apps, schema_editor):
    fill(apps.get_model("projects", "Funder"),
         lambda funder: funder.short_name or funder.name_sv or funder.name)
    fill(apps.get_model("projects", "Partner"), lambda partner: partner.name)
    fill(apps.get_model("projects", "Programme"),
         lambda programme: programme.name_sv or programme.name)
    fill(apps.get_model("projects", "Theme"), lambda theme: theme.name_sv or theme.name)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_funder_partner_slug"),
    ]

    operations = [migrations.RunPython(fill_slugs, migrations.RunPython.noop)]
