from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PalmecentretConfig(AppConfig):
    name = "palmecentret"
    verbose_name = _("Palmecentret portal")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
