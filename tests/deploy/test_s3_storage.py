"""Uploads on an S3-compatible bucket (django-storages), tested against moto's server mode.

With DJANGO_STORAGE_BUCKET set, every web and worker machine keeps and reads uploaded files
in one bucket instead of a shared folder: a roster kept by one request and read back by the
scoped download, a payment file previewed on one machine and confirmed on another, and the
backup, all through the storage. The server runs on 127.0.0.1 in a thread of this process.
"""

import io
import socket
import uuid
import zipfile
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bpjs_tracker.backup import backup_write, stored_files
from bpjs_tracker.roles import Role
from bpjs_tracker.settings import bucket_storage
from enrollment.billing.services import bills_generate
from enrollment.models import Payment
from enrollment.services.rosters import roster_import
from tests.enrollment.billing_helpers import verified_roster
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """A fresh bucket as the default storage, configured the way settings.py reads the
    environment; the media folder is moved so that a file written there would show."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    name = f"bpjs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": bucket_storage(
            {
                "DJANGO_STORAGE_BUCKET": name,
                "DJANGO_STORAGE_ENDPOINT_URL": s3_endpoint,
                "DJANGO_STORAGE_REGION": "us-east-1",
            }
        ),
    }
    settings.MEDIA_ROOT = tmp_path / "not-used"
    yield client, name
    settings.STORAGES = django_settings.STORAGES  # put the folder back before the next test


def _keys(client, name) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", [])}


def test_the_environment_chooses_the_bucket_and_the_folder_stays_the_default():
    assert bucket_storage({}) is None
    chosen = bucket_storage(
        {"DJANGO_STORAGE_BUCKET": "bpjs-uploads", "DJANGO_STORAGE_ENDPOINT_URL": "http://s3:9000"}
    )
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == "bpjs-uploads"
    assert chosen["OPTIONS"]["endpoint_url"] == "http://s3:9000"
    assert chosen["OPTIONS"]["default_acl"] == "private"
    assert chosen["OPTIONS"]["file_overwrite"] is False


@pytest.mark.django_db
def test_a_roster_upload_is_kept_in_the_bucket_and_served_by_the_scoped_download(
    bucket, world, client
):
    s3, name = bucket
    rows = [worker_row(make_nik(n), f"Pekerja {n}") for n in range(1, 6)]
    upload = roster_csv(rows)
    content = upload.read()
    upload.seek(0)
    result = roster_import(unit=world.kdi_dlhk, period=date(2025, 1, 1), upload=upload)
    assert result.ok
    record = world.kdi_dlhk.roster_uploads.get()
    assert record.file.name in _keys(s3, name)
    assert not (django_settings.MEDIA_ROOT).exists()  # nothing written to a local folder

    url = reverse("admin:enrollment_roster_upload_file", args=[record.pk])
    client.force_login(world.user(Role.OPD_TREASURER))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    client.force_login(world.user(Role.VILLAGE_TREASURER))  # another unit, another regency
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_payment_file_previewed_on_one_machine_is_confirmed_from_the_bucket(
    bucket, world, client
):
    s3, name = bucket
    verified_roster(world.kdi_dlhk, date(2025, 1, 1), [2_750_000])
    bills_generate(period=date(2025, 1, 1), regency=world.kendari)
    client.force_login(world.user(Role.BRANCH_STAFF))
    url = reverse("admin:enrollment_payment_import")
    upload = SimpleUploadedFile(
        "bank.csv",
        b"Kode Unit;Periode;Jumlah;Tanggal Bayar;Referensi\n74.71-DLHK;2025-01;14850;10-02-2025;S3\n",
    )
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    token = preview.context["token"]
    assert any(token in key for key in _keys(s3, name))  # kept in the bucket, not on a disk
    assert not Payment.objects.filter(reference="S3").exists()
    assert client.post(url, {"token": token}).status_code == 302
    assert Payment.objects.get(reference="S3").source == "import"


@pytest.mark.django_db
def test_the_backup_carries_every_file_of_the_bucket(bucket, tmp_path):
    s3, name = bucket
    default_storage.save("rosters/1/a.xlsx", io.BytesIO(b"roster a"))
    default_storage.save("claims/9/akta.pdf", io.BytesIO(b"%PDF akta"))
    assert sorted(stored_files()) == ["claims/9/akta.pdf", "rosters/1/a.xlsx"]
    output = tmp_path / "backup.zip"
    backup_write(output)
    with zipfile.ZipFile(output) as archive:
        assert archive.read("media/rosters/1/a.xlsx") == b"roster a"
        assert archive.read("media/claims/9/akta.pdf") == b"%PDF akta"
