from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Programmes and projects")

    def ready(self):
        from common.search_documents import keep_related_documents_current
        from common.text import clean_text_on_save

        from . import receivers
        from .models import Project

        # No control characters in stored text, whoever saves it (common/text.py).
        clean_text_on_save(self)
        # A project's documents follow the names of its countries, themes, members ...
        keep_related_documents_current(Project)
        # A change to a transaction, result or policy marker moves the activity's
        # last-updated-datetime (projects/receivers.py).
        receivers.connect()
