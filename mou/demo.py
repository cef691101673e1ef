"""Demo agreements, regulations and meetings: only what the field reports say (DOMAIN.md §6).

Branch names and heads come from shared/data/bpjs-branches.md. Whatever the
sources do not give (numbers, titles, most names, validity dates, funding)
stays empty, and each row's note says what is missing. Idempotent: rows are
found again by a natural key and updated.
"""

from datetime import date

from mou.models import (
    Agreement,
    AgreementSegment,
    AgreementSignatory,
    FollowUp,
    MeetingAttendee,
    MeetingFinding,
    MonitoringMeeting,
    RecordedState,
    RegionalRegulation,
)
from regencies.models import BranchOffice, Regency, Segment

SOURCE = "DOMAIN.md §6"
REGENCY_CODES = ["74.71", "74.14", "74.11", "74.09", "74.04"]
BUTON_TENGAH_MOU_SIGNED_ON = date(2021, 2, 16)  # Tuesday; two local reports (DOMAIN.md §6)


def _upsert(model, lookup: dict, values: dict):
    """Create the row, or update the fields that differ; an unchanged row gets no history."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])
    return obj


def _agreement(*, regency, branch, kind, signed_on, signatories, segments, **fields) -> Agreement:
    agreement = _upsert(
        Agreement,
        {"regency": regency, "kind": kind, "branch_office": branch, "signed_on": signed_on},
        fields,
    )
    for side, capacity, name, office in signatories:
        _upsert(
            AgreementSignatory,
            {"agreement": agreement, "side": side, "capacity": capacity, "office": office},
            {"name": name},
        )
    for segment in segments:
        AgreementSegment.objects.get_or_create(agreement=agreement, segment=segment)
    return agreement


def _meeting(*, regency, held_on, attendees=(), findings=(), follow_ups=(), **fields):
    meeting = _upsert(MonitoringMeeting, {"regency": regency, "held_on": held_on}, fields)
    for party, name, office, count in attendees:
        _upsert(
            MeetingAttendee,
            {"meeting": meeting, "party": party, "name": name},
            {"office": office, "count": count},
        )
    for text, figure, segment in findings:
        _upsert(
            MeetingFinding,
            {"meeting": meeting, "text": text},
            {"figure": figure, "segment": segment},
        )
    for description, owner, due_on in follow_ups:
        # get_or_create: a follow-up someone closed in the demo stays closed.
        FollowUp.objects.get_or_create(
            meeting=meeting, description=description, defaults={"owner": owner, "due_on": due_on}
        )
    return meeting


def seed_agreements(result) -> None:
    """Field agreements, the Kolaka Timur Perda and three meetings (called by seed_demo).

    `result` is seed_demo's DemoResult; these rows are not counted in it.
    """
    regencies = {r.code: r for r in Regency.objects.filter(code__in=REGENCY_CODES)}
    offices = {o.short_name: o for o in BranchOffice.objects.all()}
    Side, Capacity = AgreementSignatory.Side, AgreementSignatory.Capacity
    Party = MeetingAttendee.Party

    _agreement(
        regency=regencies["74.71"],
        branch=offices["Kendari"],
        kind=Agreement.Kind.MOU,
        signed_on=date(2018, 2, 5),
        state=RecordedState.SIGNED,
        signatories=[
            (Side.BPJS, Capacity.SIGNATORY, "La Uno", "Kepala BPJS Ketenagakerjaan Cabang Kendari"),
        ],
        segments=[Segment.NON_ASN],
        note=(
            "MoU Pemerintah Kota Kendari dengan BPJS Ketenagakerjaan (kepala cabang La Uno), "
            "5 Feb 2018. Kartu peserta diserahkan kepada non-ASN Dinas Lingkungan Hidup dan "
            "Kehutanan 501, Satpol PP 353, Dinas Kebakaran 217, Bagian Administrasi SDA 10 "
            f"({SOURCE}). Nomor, judul, tempat, penanda tangan pihak pemkot, program, sumber "
            "dana dan masa berlaku tidak diketahui."
        ),
    )
    # An earlier demo recorded this MoU without its date: give that row the date.
    for undated in Agreement.objects.filter(
        regency=regencies["74.14"], kind=Agreement.Kind.MOU, signed_on=None
    ):
        undated.signed_on = BUTON_TENGAH_MOU_SIGNED_ON
        undated.save()
    _agreement(
        regency=regencies["74.14"],
        branch=offices["Kendari"],
        kind=Agreement.Kind.MOU,
        signed_on=BUTON_TENGAH_MOU_SIGNED_ON,
        state=RecordedState.SIGNED,
        signed_at="Baubau",
        signatories=[
            (Side.GOVERNMENT, Capacity.SIGNATORY, "H. Samahuddin", "Bupati Buton Tengah"),
            (
                Side.BPJS,
                Capacity.SIGNATORY,
                "Muhyiddin Dj",
                "Kepala BPJS Ketenagakerjaan Sultra (Kantor Cabang Kendari)",
            ),
            (
                Side.BPJS,
                Capacity.WITNESS,
                "Bobby Harun",
                "Kepala BPJS Ketenagakerjaan Cabang Baubau",
            ),
        ],
        segments=[Segment.ASN, Segment.VILLAGE_OFFICIAL, Segment.NON_ASN],
        note=(
            "Ditandatangani Selasa 16 Feb 2021 di sebuah hotel di Baubau (dua laporan media "
            "lokal) oleh Bupati H. Samahuddin dan Muhyiddin Dj (kepala BPJS Ketenagakerjaan "
            "Sultra/Kantor Cabang Kendari), disaksikan Bobby Harun (kepala Kantor Cabang Baubau). "
            "Perlindungan bagi ASN, perangkat desa dan honorer; segmen ASN tumpang tindih dengan "
            "perlindungan Taspen. Pembagian pendanaan (pemda membayar untuk honorer; potongan "
            "gaji untuk ASN) masih akan dibahas dengan Sekda, Bappeda dan BPKAD, jadi sumber dana "
            f"per segmen dikosongkan ({SOURCE}). Nomor, judul, program dan tanggal mulai berlaku "
            "tidak disebut."
        ),
    )

    _upsert(
        RegionalRegulation,
        {"regency": regencies["74.11"], "kind": RegionalRegulation.Kind.PERDA, "number": ""},
        {
            "note": (
                "Perda tentang BPJS Ketenagakerjaan, disebut pada rapat kerja sama 14 Okt 2021: "
                "Kolaka Timur satu-satunya kabupaten di Sulawesi–Maluku yang memilikinya "
                f"({SOURCE}). Nomor, tahun, judul, tanggal dan isi (segmen, program) tidak "
                "tercatat dalam sumber."
            )
        },
    )

    _meeting(
        regency=regencies["74.09"],
        held_on=date(2019, 10, 7),
        kind=MonitoringMeeting.Kind.COOPERATION,
        place="Wanggudu",
        branch_office=offices["Kendari"],
        note=(
            "Rapat kerja sama operasional, Senin 7 Okt 2019, Aula Konasara. Kantor cabang "
            "Kendari: kepalanya, Muhyiddin Dj, disebut dalam berita (terkonfirmasi). Tenggat "
            "tindak lanjut non-ASN = akhir tahun anggaran 2020. Pimpinan rapat tidak disebut "
            f"dalam sumber ({SOURCE})."
        ),
        attendees=[
            (Party.BPJS, "Muhyiddin Dj", "Kepala BPJS Ketenagakerjaan Cabang Kendari", None),
            (Party.OPD, "OPD Kabupaten Konawe Utara", "", 20),
            (Party.VILLAGE, "Kepala desa", "", 159),
        ],
        findings=[
            ("Perangkat desa terdaftar sebagai peserta sejak awal 2019", 1590, "village_official"),
            (
                "Desa yang sudah membayar iuran setahun penuh (dari 159 desa)",
                85,
                "village_official",
            ),
            ("Program yang diikuti: JKK dan JKM", None, ""),
            (
                "Santunan JKM (Rupiah) dibayarkan kepada ahli waris perangkat desa Wunduhaka "
                "(74.09.01.2020)",
                24_000_000,
                "village_official",
            ),
        ],
        follow_ups=[
            (
                "Mendaftarkan tenaga non-ASN sebagai peserta pada tahun anggaran 2020",
                "Pemerintah Kabupaten Konawe Utara",
                date(2020, 12, 31),
            ),
        ],
    )
    _meeting(
        regency=regencies["74.11"],
        held_on=date(2021, 10, 14),
        kind=MonitoringMeeting.Kind.COOPERATION,
        chair="Kepala dinas tenaga kerja Kabupaten Kolaka Timur",
        branch_office=offices["Kolaka"],
        note=(
            f"Rapat kerja sama operasional, Kamis 14 Okt 2021 ({SOURCE}); peserta BPJS dari "
            "kolakaonline.com 2021-10-14 (shared/data/bpjs-branches.md). Tempat tidak diketahui."
        ),
        attendees=[
            (Party.BPJS, "Minarni Lukman", "Kepala BPJS Ketenagakerjaan Sulawesi Tenggara", None),
            (Party.BPJS, "Bachtiar Asyhari", "Kepala BPJS Ketenagakerjaan Kolaka", None),
        ],
        findings=[
            (
                "Satu-satunya kabupaten di Sulawesi–Maluku yang memiliki Perda tentang BPJS "
                "Ketenagakerjaan",
                None,
                "",
            ),
            ("Santunan JKM (Rupiah)", 42_000_000, ""),
            ("Kejaksaan negeri mendukung pelaksanaan Inpres 2/2021", None, ""),
        ],
        follow_ups=[
            (
                "Menganggarkan iuran untuk seluruh tenaga non-ASN",
                "Pemerintah Kabupaten Kolaka Timur",
                None,
            ),
            ("Menganggarkan iuran untuk pekerja rentan", "Pemerintah Kabupaten Kolaka Timur", None),
        ],
    )
    _meeting(
        regency=regencies["74.04"],
        held_on=date(2023, 11, 17),
        kind=MonitoringMeeting.Kind.MONEV,
        place="Takawa",
        chair="Asnawi Jamaluddin, Sekretaris Daerah Kabupaten Buton",
        branch_office=offices["Baubau"],
        note=(
            "Monitoring dan evaluasi dipimpin Sekda Asnawi Jamaluddin bersama BPJS "
            "Ketenagakerjaan Cabang Baubau. Berita hanya menyebut sekitar 10% angkatan kerja "
            "terlindungi; tidak menyatakan bahwa 4.627 pekerja formal itulah 10% tersebut, jadi "
            f"angka angkatan kerja yang diturunkan darinya hanya perkiraan ({SOURCE})."
        ),
        findings=[
            ("Tenaga non-ASN terlindungi JKK + JKM (sekitar)", 3800, "non_asn"),
            ("Pekerja formal terlindungi", 4627, "workforce"),
            ("Angkatan kerja kabupaten yang terlindungi (persen, sekitar)", 10, "workforce"),
        ],
        follow_ups=[
            ("Bendahara membayar iuran tanpa penundaan", "Bendahara OPD", None),
        ],
    )
