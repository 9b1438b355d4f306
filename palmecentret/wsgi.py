"""WSGI entry point (gunicorn palmecentret.wsgi)."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palmecentret.settings")
application = get_wsgi_application()

# What the process has loaded so far (Django, every app, model and admin: some 100,000
# objects that live as long as the process) is set aside from the cyclic garbage
# collector. Otherwise each of its full collections walks all of them in the middle of a
# request every few hundred requests: the slowest percent of answers. Objects made from
# now on are collected as before, and reference counting still frees anything frozen that
# is dropped. Under gunicorn this runs once, in the master, before it forks the workers
# (gunicorn.conf.py, preload_app): the workers share these objects' memory, and no
# collection writes to it and so makes each worker copy it.
gc.freeze()
