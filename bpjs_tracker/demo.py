"""Demo data for the embedded set-up (`manage.py seed_demo`): field facts of DOMAIN.md §6.

Everything here is marked as demo. Work-unit and target figures come from the
reports cited in `source`; OPD lists where no report names them are a typical
regency structure, marked as examples.
"""

from dataclasses import dataclass, field

from django.db import transaction

from bpjs_tracker.models import User
from bpjs_tracker.roles import Role, sync_roles
from bpjs_tracker.services import user_set_role
from mou.demo import seed_agreements
from regencies.models import BranchOffice, CoverageTarget, Regency, Segment, Village, WorkUnit
from regencies.services import reference_load

DEMO_PASSWORD = "demo-sandi-2026"  # noqa: S105 - printed on purpose; demo accounts only

KENDARI_UNITS = [
    ("DLHK", "Dinas Lingkungan Hidup dan Kehutanan", 501),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", 353),
    ("DAMKAR", "Dinas Kebakaran", 217),
    ("SDA", "Bagian Administrasi Sumber Daya Alam", 10),
]
# A typical regency's agencies; no report lists Konawe Utara's 20 OPDs by name.
TYPICAL_OPDS = [
    ("SETDA", "Sekretariat Daerah"),
    ("SETWAN", "Sekretariat DPRD"),
    ("INSPEKTORAT", "Inspektorat"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM"),
    ("BPBD", "Badan Penanggulangan Bencana Daerah"),
    ("DISDIK", "Dinas Pendidikan dan Kebudayaan"),
    ("DINKES", "Dinas Kesehatan"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DISHUB", "Dinas Perhubungan"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi"),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa"),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DINSOS", "Dinas Sosial"),
    ("DISTAN", "Dinas Pertanian"),
    ("DKP", "Dinas Kelautan dan Perikanan"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("SATPOLPP", "Satuan Polisi Pamong Praja"),
]
OTHER_REGENCY_OPDS = {
    "74.04": ["SETDA", "BPKAD", "DISNAKERTRANS", "SATPOLPP"],  # Buton
    "74.14": ["SETDA", "BPKAD", "BKPSDM"],  # Buton Tengah
    "74.11": ["SETDA", "BPKAD", "DISNAKERTRANS"],  # Kolaka Timur
}
TARGETS = [
    (
        "74.71",
        2018,
        Segment.NON_ASN,
        1081,
        "Kartu peserta diserahkan kepada non-ASN DLHK 501, Satpol PP 353, Dinas Kebakaran 217, "
        "Bagian Adm. SDA 10 pada penandatanganan MoU 5 Feb 2018 (DOMAIN.md §6).",
    ),
    (
        "74.09",
        2019,
        Segment.VILLAGE_OFFICIAL,
        1590,
        "Aparat desa terdaftar sejak awal 2019: 1.590 orang di 159 desa; rapat KSO Wanggudu "
        "7 Okt 2019 (DOMAIN.md §6).",
    ),
    (
        "74.04",
        2023,
        Segment.WORKFORCE,
        46270,
        "PERKIRAAN yang diturunkan proyek ini, bukan angka yang dilaporkan: monev Takawa "
        "17 Nov 2023 menyebut 4.627 pekerja formal terlindungi dan sekitar 10% angkatan kerja "
        "terlindungi, tanpa menyatakan bahwa 4.627 itulah 10% tersebut; 4.627 / 10% = 46.270 "
        "(DOMAIN.md §6).",
    ),
    (
        "74.14",
        2026,
        Segment.VULNERABLE,
        1000,
        "Pemkab Buton Tengah menanggung iuran 1.000 pekerja rentan (hibata.id, 11 Feb 2026).",
    ),
]


@dataclass
class DemoAccount:
    username: str
    role: str
    scope: str


@dataclass
class DemoResult:
    accounts: list[DemoAccount] = field(default_factory=list)
    units_created: int = 0
    units_total: int = 0
    targets_total: int = 0
    rosters_created: int = 0
    rosters_total: int = 0
    claims_total: int = 0


# Each demo account greets its user by a name of their own ("Selamat datang, Hasnah").
DEMO_NAMES = {
    "demo_opd_treasurer": ("Hasnah", "Tamburaka (bendahara OPD, demo)"),
    "demo_village_treasurer": ("La Ode", "Saranani (bendahara desa, demo)"),
    "demo_branch_staff": ("Fitri", "Lakidende (BPJS cabang Kendari, demo)"),
    "demo_sekda": ("Muhammad", "Kadir (Sekda Kota Kendari, demo)"),
    "demo_province_admin": ("Ayu", "Mokodompit (administrator provinsi, demo)"),
}


def _unit(code: str, name: str, kind: str, regency: Regency, village=None, expected=None) -> bool:
    _unit_obj, created = WorkUnit.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "regency": regency,
            "village": village,
            "expected_workers": expected,
        },
    )
    return created


def seed_work_units(result: DemoResult) -> None:
    regencies = {r.code: r for r in Regency.objects.all()}
    kendari, konut = regencies["74.71"], regencies["74.09"]
    for acronym, name, expected in KENDARI_UNITS:
        result.units_created += _unit(f"74.71-{acronym}", name, "opd", kendari, expected=expected)
    for acronym, name in TYPICAL_OPDS:
        result.units_created += _unit(f"74.09-{acronym}", name + " (contoh)", "opd", konut)
    names = dict(TYPICAL_OPDS)
    for regency_code, acronyms in OTHER_REGENCY_OPDS.items():
        for acronym in acronyms:
            result.units_created += _unit(
                f"{regency_code}-{acronym}",
                names[acronym] + " (contoh)",
                "opd",
                regencies[regency_code],
            )
    for village in Village.objects.filter(district__regency=konut, kind=Village.Kind.DESA):
        result.units_created += _unit(
            village.code, f"Pemerintah Desa {village.name}", "village", konut, village=village
        )
    result.units_total = WorkUnit.objects.count()


def seed_targets(result: DemoResult) -> None:
    for regency_code, year, segment, target, source in TARGETS:
        CoverageTarget.objects.update_or_create(
            regency=Regency.objects.get(code=regency_code),
            year=year,
            segment=segment,
            defaults={"target": target, "source": source},
        )
    result.targets_total = CoverageTarget.objects.count()


def seed_users(result: DemoResult) -> None:
    kendari = Regency.objects.get(code="74.71")
    accounts = [
        (
            "demo_opd_treasurer",
            Role.OPD_TREASURER,
            {
                "work_units": WorkUnit.objects.filter(
                    code__in=[f"74.71-{a}" for a, _, _ in KENDARI_UNITS]
                )
            },
        ),
        (
            "demo_village_treasurer",
            Role.VILLAGE_TREASURER,
            {"work_units": WorkUnit.objects.filter(code="74.09.01.2020")},
        ),
        (
            "demo_branch_staff",
            Role.BRANCH_STAFF,
            {"branch_office": BranchOffice.objects.get(short_name="Kendari")},
        ),
        ("demo_sekda", Role.SEKDA, {"regency": kendari}),
        ("demo_province_admin", Role.PROVINCE_ADMIN, {}),
    ]
    for username, role, scope in accounts:
        first, last = DEMO_NAMES[username]
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        elif user.first_name == "Demo":  # accounts seeded before they had names of their own
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        user_set_role(user=user, role=role, **scope)
        described = ", ".join(
            str(v) if not hasattr(v, "count") else ", ".join(u.code for u in v)
            for v in scope.values()
        )
        result.accounts.append(
            DemoAccount(username, role, described or "Provinsi 74 Sulawesi Tenggara")
        )


@transaction.atomic
def seed_demo() -> DemoResult:
    """Create or refresh demo accounts, work units, coverage targets and rosters (idempotent)."""
    from claims.demo import seed_claims
    from enrollment.demo import seed_buton, seed_konawe_utara, seed_rosters

    if not Village.objects.exists():
        reference_load()
    sync_roles()
    result = DemoResult()
    seed_work_units(result)
    seed_targets(result)
    seed_agreements(result)
    seed_users(result)
    seed_rosters(result)
    seed_konawe_utara(result)
    seed_buton(result)
    seed_claims(result)
    return result
