"""manage.py write_iati PATH: write the IATI activity and organisation files to disk, for a
static host."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.db import lift_statement_timeout
from projects.iati_organisation import organisation_file
from projects.opendata import IatiActivitiesFile


class Command(BaseCommand):
    help = (
        "Write the IATI 2.03 activity file of the public projects (the same as "
        "/iati/activities.xml) to PATH, and the organisation file (the same as "
        "/iati/organisation.xml) beside it as organisation.xml. Each file is written beside "
        "its place and then renamed, so a web server never serves half a file. Safe to run "
        "again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="Where to write the activity file, "
                            "e.g. /srv/static/iati/activities.xml.")
        parser.add_argument("--organisation", metavar="ORGANISATION_PATH",
                            help="Where to write the organisation file instead of "
                                 "organisation.xml beside PATH.")

    def handle(self, *args, path, organisation, verbosity, **options):
        target = self._target(path, "activities.xml")
        organisation_target = (self._target(organisation, "organisation.xml") if organisation
                               else target.parent / "organisation.xml")
        if organisation_target.resolve() == target.resolve():
            raise CommandError("The activity and organisation files need different paths.")
        # A batch job with nobody waiting: the web's statement timeout does not apply.
        lift_statement_timeout()
        now = timezone.now()
        iati = IatiActivitiesFile(now=now)

        def progress(piece):
            if verbosity >= 2:
                self.stdout.write(f"{iati.activity_count} activities...")

        self._write_atomically(target, iati, progress)
        organisation_bytes = organisation_file(now)
        self._write_atomically(organisation_target, [organisation_bytes])
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(
                f"Wrote {iati.activity_count} activities ({iati.size:,} bytes) to {target}."))
            self.stdout.write(self.style.SUCCESS(
                f"Wrote the organisation file ({len(organisation_bytes):,} bytes) to "
                f"{organisation_target}."))

    @staticmethod
    def _target(path, example):
        target = Path(path)
        if target.is_dir():
            raise CommandError(f"{target} is a directory; give a file name, e.g. "
                               f"{target / example}.")
        return target

    @staticmethod
    def _write_atomically(target, pieces, progress=None):
        """Write the bytes of `pieces` to a temporary file beside `target`, then rename it
        over `target`: readers see the old file or the new one, never half of one."""
        directory = target.parent
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                                 dir=directory)
        except OSError as exc:
            raise CommandError(f"Cannot write in {directory}: {exc.strerror}.") from exc
        try:
            with os.fdopen(handle, "wb") as out:
                for piece in pieces:
                    out.write(piece)
                    if progress:
                        progress(piece)
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
