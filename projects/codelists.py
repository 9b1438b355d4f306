"""The IATI 2.03 codelists the portal writes codes from (projects/data/iati-codelists/,
copied unchanged from IATI; see projects/data/README.md). Staff pick from short lists
with Swedish and English names (the TextChoices in projects/models.py); every code they
can pick or type is checked here against IATI's own list, so nothing invalid reaches the
file."""

import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CODELIST_DIR = Path(__file__).resolve().parent / "data" / "iati-codelists"


@lru_cache(maxsize=None)
def active_codes(name):
    """{code: English name} of the codelist `name` (e.g. "Sector"), without the codes IATI
    has withdrawn."""
    root = ET.parse(CODELIST_DIR / f"{name}.xml").getroot()
    return {item.findtext("code"): item.findtext("name/narrative")
            for item in root.iter("codelist-item") if item.get("status") != "withdrawn"}


class CodelistChecked(models.Model):
    """A model whose fields named in CODELISTS ({field: codelist name}) hold IATI codes:
    clean() refuses a code that is not in the codelist or that IATI has withdrawn. (A
    check in clean() rather than a field validator: migrations import no live code.)"""

    CODELISTS = {}

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        for name, codelist in self.CODELISTS.items():
            value = getattr(self, name)
            if value and value not in active_codes(codelist):
                errors[name] = ValidationError(
                    _("%(code)s is not a code in IATI's %(codelist)s list (or IATI has "
                      "withdrawn it)."),
                    code="not_in_codelist", params={"code": value, "codelist": codelist})
        if errors:
            raise ValidationError(errors)
