from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories")

    def ready(self):
        from common.search_documents import keep_related_documents_current
        from common.text import clean_text_on_save

        from .models import Story

        # No control characters in stored text, whoever saves it (common/text.py).
        clean_text_on_save(self)
        keep_related_documents_current(Story)
