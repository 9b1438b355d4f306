"""Settings for the worker that the kill-and-restart test starts: the portal's own, with mails
written to files by a backend that can hang, and a short wait before resuming."""

import os
from datetime import timedelta

from palmecentret.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.newsletter.sending_worker.PausingFileBackend"
EMAIL_FILE_PATH = os.environ["TEST_MAIL_DIR"]
# Production waits minutes before standing in for a worker that died; the test cannot.
NEWSLETTER_RESUME_AFTER = timedelta(seconds=1)
