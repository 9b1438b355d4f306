"""manage.py write_iati PATH: write the IATI activity file to disk, for a static host."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.db import lift_statement_timeout
from projects.opendata import IatiActivitiesFile


class Command(BaseCommand):
    help = (
        "Write the IATI 2.03 activity file of the public projects (the same as "
        "/iati/activities.xml) to PATH. The file is written beside PATH and then renamed, "
        "so a web server never serves half a file. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="Where to write the file, e.g. "
                            "/srv/static/iati/activities.xml.")

    def handle(self, *args, path, verbosity, **options):
        target = Path(path)
        if target.is_dir():
            raise CommandError(f"{target} is a directory; give a file name, e.g. "
                               f"{target / 'activities.xml'}.")
        directory = target.parent
        # A batch job with nobody waiting: the web's statement timeout does not apply.
        lift_statement_timeout()
        iati = IatiActivitiesFile()
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                                 dir=directory)
        except OSError as exc:
            raise CommandError(f"Cannot write in {directory}: {exc.strerror}.") from exc
        try:
            with os.fdopen(handle, "wb") as out:
                for piece in iati:
                    out.write(piece)
                    if verbosity >= 2:
                        self.stdout.write(f"{iati.activity_count} activities...")
                out.flush()
                os.fsync(out.fileno())
            # mkstemp makes the file readable by its owner only; the web server needs to
            # read it like any other published file.
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException as exc:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise CommandError(f"Cannot write {target}: {exc.strerror}.") from exc
            raise
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(
                f"Wrote {iati.activity_count} activities ({iati.size:,} bytes) to {target}."))
