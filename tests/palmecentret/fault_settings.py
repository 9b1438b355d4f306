"""Settings for the portal that the database-fault tests start: the production settings
(DEBUG off), with static files served unhashed so that no collectstatic is needed."""

from palmecentret.settings import *  # noqa: F403

STORAGES = {**STORAGES,  # noqa: F405
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
