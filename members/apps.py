from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Member organisations and networks")

    def ready(self):
        from common.text import clean_text_on_save

        # No control characters in stored text, whoever saves it (common/text.py).
        clean_text_on_save(self)
