"""Payment and KPJ files above IMPORT_JOB_MIN_BYTES: checked and imported as jobs.

Same preview, problems and summary as the in-process path; all or nothing; a
retried job saves nothing twice; the result is its owner's only.
"""

from datetime import date

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bpjs_tracker.roles import Role
from enrollment import import_jobs
from enrollment.billing.payments import payments_import
from enrollment.models import Membership, Payment
from jobs.models import Job
from jobs.services import job_run
from tests.enrollment.conftest import roster_csv
from tests.factories import make_nik

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
BANK = (
    "Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n"
    "74.71-DLHK,2025-01,14850,10-02-2025,A1\n"
    "74.71-DLHK,2025-02,10000,10-03-2025,A2\n"
    "74.71-SATPOLPP,2025-01,20000,10-02-2025,A3\n"
)
A, B = make_nik(1), make_nik(2)


def _bank(text=BANK):
    return SimpleUploadedFile("bank.csv", text.encode())


def _check_payments(client, user, text=BANK) -> Job:
    client.force_login(user)
    response = client.post(reverse("admin:enrollment_payment_import"), {"file": _bank(text)})
    job = Job.objects.get(kind=import_jobs.PAYMENTS, params__dry_run=True)
    assert response["Location"] == reverse("jobs:progress", args=[job.pk])
    return job


def _confirm_payments(client, checked: Job) -> Job:
    response = client.post(reverse("admin:enrollment_payment_import"), {"job": checked.pk})
    job = Job.objects.get(kind=import_jobs.PAYMENTS, params__dry_run=False)
    assert response["Location"] == reverse("jobs:progress", args=[job.pk])
    return job


def test_a_small_payment_file_is_still_previewed_within_the_request(bills, client, settings):
    settings.IMPORT_JOB_MIN_BYTES = 10_000
    client.force_login(bills.user(Role.BRANCH_STAFF))
    page = client.post(reverse("admin:enrollment_payment_import"), {"file": _bank()})
    assert page.status_code == 200 and page.context["token"]
    assert not Job.objects.exists()


def test_a_large_payment_file_shows_the_same_preview_then_imports_in_a_job(
    bills, client, as_jobs, django_capture_on_commit_callbacks
):
    staff = bills.user(Role.BRANCH_STAFF)
    checked = _check_payments(client, staff)
    assert checked.state == Job.State.DONE, checked.error
    assert not Payment.objects.exists()
    page = client.get(reverse("jobs:progress", args=[checked.pk]), follow=True)
    in_process = payments_import(name="bank.csv", content=BANK.encode(), by=staff, dry_run=True)
    shown = page.context["result"]
    assert [(r.row, r.status, r.owed, r.difference, r.period) for r in shown.rows] == [
        (r.row, r.status, r.owed, r.difference, r.period) for r in in_process.rows
    ]
    assert page.context["confirm_job"] == checked.pk

    with django_capture_on_commit_callbacks(execute=True):
        done = _confirm_payments(client, checked)

    assert done.state == Job.State.DONE, done.error
    assert not default_storage.exists(checked.params["path"])  # the kept file, once imported
    assert sorted(Payment.objects.values_list("reference", flat=True)) == ["A1", "A2", "A3"]
    result = client.get(reverse("jobs:result", args=[done.pk]))
    assert "3 pembayaran dari bank.csv disimpan." in result.content.decode()
    assert result.context["confirm_job"] is None


def test_a_retried_payment_import_job_saves_nothing_twice(bills, client, as_jobs):
    done = _confirm_payments(client, _check_payments(client, bills.user(Role.BRANCH_STAFF)))
    job_run(done.pk)  # redelivered after the commit: the job is done, nothing runs
    done.refresh_from_db()
    assert (done.attempts, done.result["saved"]) == (1, 3)
    # Even with its state lost, a second run saves nothing and reports the first's outcome.
    Job.objects.filter(pk=done.pk).update(state=Job.State.RUNNING)
    job_run(done.pk)
    done.refresh_from_db()
    assert (done.state, done.attempts, done.result["saved"]) == (Job.State.DONE, 2, 3)
    assert Payment.objects.count() == 3


def test_confirming_a_check_twice_imports_it_once(bills, client, as_jobs):
    checked = _check_payments(client, bills.user(Role.BRANCH_STAFF))
    first = _confirm_payments(client, checked)
    again = client.post(reverse("admin:enrollment_payment_import"), {"job": checked.pk})
    assert again["Location"] == reverse("jobs:progress", args=[first.pk])
    assert Job.objects.filter(params__dry_run=False).count() == 1
    assert Payment.objects.count() == 3


def test_a_failing_payment_job_saves_nothing_and_says_so_in_indonesian(
    bills, client, as_jobs, monkeypatch
):
    from enrollment.billing import payments

    checked = _check_payments(client, bills.user(Role.BRANCH_STAFF))
    real, calls = payments.payment_record, []

    def breaks_on_the_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(payments, "payment_record", breaks_on_the_third)
    failed = _confirm_payments(client, checked)
    assert failed.state == Job.State.FAILED
    assert failed.error.startswith(
        "Pekerjaan gagal karena kesalahan sistem; tidak ada yang disimpan"
    )
    assert not Payment.objects.exists()


def test_a_rejected_large_payment_file_shows_its_problems_and_offers_no_import(
    bills, client, as_jobs
):
    checked = _check_payments(
        client, bills.user(Role.BRANCH_STAFF), BANK + "74.71-X,2025-01,1,10-02-2025,B\n"
    )
    page = client.get(reverse("jobs:result", args=[checked.pk]))
    assert page.context["confirm_job"] is None
    assert "Berkas ditolak" in page.content.decode()
    refused = client.post(reverse("admin:enrollment_payment_import"), {"job": checked.pk})
    assert refused.status_code == 302 and not Job.objects.filter(params__dry_run=False).exists()


def test_someone_elses_payment_check_is_not_found_and_cannot_be_imported(bills, client, as_jobs):
    checked = _check_payments(client, bills.user(Role.BRANCH_STAFF))
    other = bills.user(Role.PROVINCE_ADMIN)
    client.force_login(other)
    assert client.get(reverse("jobs:result", args=[checked.pk])).status_code == 404
    client.post(reverse("admin:enrollment_payment_import"), {"job": checked.pk})
    assert not Job.objects.filter(params__dry_run=False).exists()
    assert not Payment.objects.exists()


# --- KPJ ---------------------------------------------------------------------------------------


def _kpj_file():
    return roster_csv(
        [[A, "12345678901"], [B, "12345678902"]], name="kpj.csv", headers=["NIK", "KPJ"]
    )


def _kpjs():
    return dict(Membership.objects.values_list("worker__nik", "kpj").distinct())


def test_a_large_kpj_file_is_checked_then_imported_in_jobs(members, client, as_jobs):
    staff = members.user(Role.BRANCH_STAFF)
    client.force_login(staff)
    url = reverse("admin:enrollment_membership_kpj")
    client.post(url, {"file": _kpj_file()})
    checked = Job.objects.get(kind=import_jobs.KPJ)
    page = client.get(reverse("jobs:result", args=[checked.pk]))
    assert (page.context["result"].updated, len(page.context["result"].changes)) == (4, 4)
    assert _kpjs()[A] == ""

    client.post(url, {"confirm": "1", "job": checked.pk})

    done = Job.objects.get(kind=import_jobs.KPJ, params__dry_run=False)
    assert done.state == Job.State.DONE, done.error
    assert _kpjs() == {A: "12345678901", B: "12345678902"}
    assert (
        "4 nomor KPJ disimpan."
        in client.get(reverse("jobs:result", args=[done.pk])).content.decode()
    )
    history = Membership.history.count()
    Job.objects.filter(pk=done.pk).update(state=Job.State.RUNNING)  # run it once more
    job_run(done.pk)
    done.refresh_from_db()
    assert (done.state, done.result["updated"]) == (Job.State.DONE, 4)
    assert Membership.history.count() == history  # nothing written twice


def test_a_treasurer_cannot_confirm_a_kpj_check_they_do_not_own(members, client, as_jobs):
    client.force_login(members.user(Role.BRANCH_STAFF))
    client.post(reverse("admin:enrollment_membership_kpj"), {"file": _kpj_file()})
    checked = Job.objects.get(kind=import_jobs.KPJ)
    client.force_login(members.user(Role.PROVINCE_ADMIN))
    assert client.get(reverse("jobs:result", args=[checked.pk])).status_code == 404
    answer = client.post(
        reverse("admin:enrollment_membership_kpj"), {"confirm": "1", "job": checked.pk}
    )
    assert answer.status_code == 404
    assert _kpjs()[A] == ""
