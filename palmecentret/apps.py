from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PalmecentretConfig(AppConfig):
    name = "palmecentret"
    verbose_name = _("Palmecentret portal")
