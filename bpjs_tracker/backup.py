"""A portable backup: the data (Django's dumpdata, history included) and the uploaded files.

    manage.py backup_data --output bpjs-2026-11-26.zip
    manage.py restore_data bpjs-2026-11-26.zip      # into an empty, migrated database

One .zip holds `data.json` (every app's rows, history tables included, foreign keys
to content types and permissions by natural key so they match in a new database)
and `media/` (rosters, agreements, every uploaded file, read and written through the
file storage: the MEDIA_ROOT folder or the S3-compatible bucket). It works on SQLite
and PostgreSQL alike and is what the restore test proves (tests/test_backup_restore.py).
For a large PostgreSQL deployment, `pg_dump -Fc` / `pg_restore` plus a copy of
MEDIA_ROOT (or the bucket's own versioning) is faster; docs/security.md gives both.
"""

import io
import posixpath
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
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
    files = sorted(stored_files())
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data.getvalue())
        for name in files:
            with (
                default_storage.open(name, "rb") as source,
                archive.open(f"media/{name}", "w") as target,
            ):
                shutil.copyfileobj(source, target)
    return {"files": len(files), "bytes": output.stat().st_size}


def backup_restore(source: Path) -> dict:
    """Load a backup into this (empty, migrated) database and put its files back."""
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
        for member in names:
            name = member.removeprefix("media/")
            if not member.startswith("media/") or member.endswith("/") or not _safe(name):
                continue  # no name escapes the storage
            if default_storage.exists(name):
                default_storage.delete(name)  # the saved name must be the one the rows hold
            with archive.open(member) as handle:
                default_storage.save(name, File(handle, name=name))
            restored += 1
    return {"files": restored}


def stored_files(folder: str = "") -> list[str]:
    """Every file name in the file storage (folder or bucket), recursively."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no upload yet
        return []
    names = [posixpath.join(folder, name) if folder else name for name in files]
    for sub in folders:
        names += stored_files(posixpath.join(folder, sub) if folder else sub)
    return names


def _safe(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "" not in parts
