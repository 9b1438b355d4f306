from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter and seminars")

    def ready(self):
        from common.text import clean_text_on_save

        # No control characters in stored text, whoever saves it (common/text.py).
        clean_text_on_save(self)
