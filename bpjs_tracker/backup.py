"""A portable backup: the data (Django's dumpdata, history included) and the uploaded files.

    manage.py backup_data --output bpjs-2026-11-26.zip
    manage.py restore_data bpjs-2026-11-26.zip      # into an empty, migrated database

One .zip holds `data.json` (every app's rows, history tables included, foreign keys
to content types and permissions by natural key so they match in a new database)
and `media/` (rosters, agreements, every file under MEDIA_ROOT). It works on SQLite
and PostgreSQL alike and is what the restore test proves (tests/test_backup_restore.py).
For a large PostgreSQL deployment, `pg_dump -Fc` / `pg_restore` plus a copy of
MEDIA_ROOT is faster; docs/security.md gives both.
"""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

# Rows the new database makes itself (content types, permissions) or that must not travel
# (sessions, failed-login counters).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]


def backup_write(output: Path) -> dict:
    data = io.StringIO()
    call_command(
        "dumpdata", "--natural-foreign", *[f"--exclude={label}" for label in EXCLUDED],
        stdout=data,
    )  # fmt: skip
    media = Path(settings.MEDIA_ROOT)
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data.getvalue())
        for path in files:
            archive.write(path, f"media/{path.relative_to(media).as_posix()}")
    return {"files": len(files), "bytes": output.stat().st_size}


def backup_restore(source: Path) -> dict:
    """Load a backup into this (empty, migrated) database and put its files back."""
    media = Path(settings.MEDIA_ROOT)
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        with archive.open("data.json") as handle:
            fixture = Path(settings.BASE_DIR) / "var" / "restore-data.json"
            fixture.parent.mkdir(parents=True, exist_ok=True)
            fixture.write_bytes(handle.read())
        try:
            call_command("loaddata", str(fixture), verbosity=0)
        finally:
            fixture.unlink(missing_ok=True)
        restored = 0
        for name in names:
            if not name.startswith("media/") or name.endswith("/"):
                continue
            target = (media / name.removeprefix("media/")).resolve()
            if media.resolve() not in target.parents:  # no path escapes MEDIA_ROOT
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
            restored += 1
    return {"files": restored}
