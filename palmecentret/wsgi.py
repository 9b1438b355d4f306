"""WSGI entry point (gunicorn palmecentret.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palmecentret.settings")
application = get_wsgi_application()
