"""Roles, scopes and role permissions: the only module that reads a user's role.

A user holds one role and a scope (work units, a regency, a branch office, the
province). `scope_for(user)` turns that into the regencies and units the user
may see; `ScopedQuerySet.visible_to` applies it. Role permissions live in one
table, `ROLE_PERMISSIONS`, synced into one Group per role by `sync_roles()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPD_TREASURER = "opd_treasurer", _("Bendahara OPD")
    VILLAGE_TREASURER = "village_treasurer", _("Bendahara desa")
    BRANCH_STAFF = "branch_staff", _("Staf kantor cabang BPJS")
    SEKDA = "sekda", _("Sekretaris daerah (Sekda)")
    PROVINCE_ADMIN = "province_admin", _("Administrator provinsi")


TREASURER_ROLES = {Role.OPD_TREASURER, Role.VILLAGE_TREASURER}


@dataclass(frozen=True)
class Scope:
    role: str
    regency_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] | None = None  # None: every unit of regency_ids
    is_province: bool = False

    def q(self, *, regency_path: str, unit_path: str | None) -> Q:
        """The filter that keeps the rows of this scope, for a model's paths."""
        if self.unit_ids is not None and unit_path is not None:
            return Q(**{f"{unit_path}__in": self.unit_ids})
        return Q(**{f"{regency_path}__in": self.regency_ids})


def scope_for(user) -> Scope | None:
    """The scope of `user`, or None when the user may see nothing.

    Inactive and anonymous users, and users without a role or without the scope
    their role needs, get None. A superuser without a role is the deployment's
    bootstrap account and gets the province. Cached on the user object for the
    request.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_bpjs_scope", False)
    if cached is not False:
        return cached
    scope = _compute_scope(user)
    user._bpjs_scope = scope
    return scope


def _compute_scope(user) -> Scope | None:
    from regencies.models import BranchAssignment

    role = user.role
    if role == Role.PROVINCE_ADMIN or (not role and user.is_superuser):
        return Scope(role=Role.PROVINCE_ADMIN, is_province=True)
    if role in TREASURER_ROLES:
        units = list(user.work_units.values_list("pk", "regency_id"))
        if not units:
            return None
        return Scope(
            role=role,
            unit_ids=frozenset(pk for pk, _ in units),
            regency_ids=frozenset(regency for _, regency in units),
        )
    if role == Role.SEKDA:
        if user.regency_id is None:
            return None
        return Scope(role=role, regency_ids=frozenset({user.regency_id}))
    if role == Role.BRANCH_STAFF:
        if user.branch_office_id is None:
            return None
        regencies = BranchAssignment.objects.in_force(timezone.localdate()).filter(
            branch_office_id=user.branch_office_id
        )
        return Scope(
            role=role, regency_ids=frozenset(regencies.values_list("regency_id", flat=True))
        )
    return None


# Role -> model -> actions. Reference data (regions, branch offices) is
# read-only for everyone but the provincial administrator.
VIEW = ("view",)
ALL = ("view", "add", "change", "delete")
REGION_MODELS = (
    "regencies.province",
    "regencies.regency",
    "regencies.district",
    "regencies.village",
    "regencies.branchoffice",
    "regencies.branchassignment",
)
# Agreements, regulations, meetings, follow-ups: editors may not delete them (history
# keeps every change); the detail rows edited inline with them may be removed.
EDIT = ("view", "add", "change")
MOU_RECORDS = ("mou.agreement", "mou.regionalregulation", "mou.monitoringmeeting", "mou.followup")
MOU_DETAILS = (
    "mou.agreementsignatory",
    "mou.agreementsegment",
    "mou.meetingattendee",
    "mou.meetingfinding",
)
MOU_VIEW = dict.fromkeys(MOU_RECORDS + MOU_DETAILS, VIEW)
MOU_EDIT = {**dict.fromkeys(MOU_RECORDS, EDIT), **dict.fromkeys(MOU_DETAILS, ALL)}
MOU_ALL = dict.fromkeys(MOU_RECORDS + MOU_DETAILS, ALL)

# Contribution rules (rates, relief, due dates and fines, holidays) are read by every
# role and edited by the provincial administrator only. Bills are computed from verified
# rosters and never edited by hand, by anyone (their admin is read-only).
CONTRIBUTION_RULE_MODELS = (
    "enrollment.contributionrate",
    "enrollment.contributionrelief",
    "enrollment.paymentrule",
    "enrollment.publicholiday",
)

# Rosters: treasurers upload (add) for their units; branch staff also upload on a unit's
# behalf, verify or return (change) and record KPJ numbers (change membership).
ROSTER_READ_MODELS = (
    "enrollment.rosterentry",
    "enrollment.worker",
    "enrollment.rosterupload",
)

# Death-benefit claims (issue #9): treasurers and branch staff file claims (add; change while
# a draft, enforced per object in claims/admin.py) with their heirs and documents; branch staff
# verify, approve and pay through the workflow services; status changes are written by the
# services only (read-only for everyone). Benefit schedules are reference data.
CLAIM_DETAIL_MODELS = ("claims.heir", "claims.claimdocument")
CLAIM_REFERENCE_MODELS = ("claims.benefitschedule", "claims.scholarshiprule")
CLAIM_FILE = {
    "claims.claim": EDIT,
    **dict.fromkeys(CLAIM_DETAIL_MODELS, ALL),
    "claims.claimstatuschange": VIEW,
    **dict.fromkeys(CLAIM_REFERENCE_MODELS, VIEW),
}
CLAIM_VIEW = dict.fromkeys(
    ("claims.claim", "claims.claimstatuschange", *CLAIM_DETAIL_MODELS, *CLAIM_REFERENCE_MODELS),
    VIEW,
)
CLAIM_ALL = {
    **dict.fromkeys(("claims.claim", *CLAIM_DETAIL_MODELS, *CLAIM_REFERENCE_MODELS), ALL),
    "claims.claimstatuschange": VIEW,
}

# OPD and village treasurers do the same job for different kinds of unit.
TREASURER_PERMISSIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(REGION_MODELS, VIEW),
    "regencies.workunit": VIEW,
    "regencies.coveragetarget": VIEW,
    "enrollment.roster": ("view", "add"),
    **dict.fromkeys(ROSTER_READ_MODELS, VIEW),
    "enrollment.membership": VIEW,
    **dict.fromkeys(CONTRIBUTION_RULE_MODELS, VIEW),
    "enrollment.bill": VIEW,
    "enrollment.billline": VIEW,  # a bill's lines, on a page of their own
    "enrollment.payment": ("view", "add"),
    **MOU_VIEW,
    **CLAIM_FILE,
}

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OPD_TREASURER: TREASURER_PERMISSIONS,
    Role.VILLAGE_TREASURER: TREASURER_PERMISSIONS,
    Role.BRANCH_STAFF: {
        **dict.fromkeys(REGION_MODELS, VIEW),
        "regencies.workunit": ("view", "change"),
        "regencies.coveragetarget": VIEW,
        "enrollment.roster": ("view", "add", "change"),
        **dict.fromkeys(ROSTER_READ_MODELS, VIEW),
        "enrollment.membership": ("view", "change"),
        **dict.fromkeys(CONTRIBUTION_RULE_MODELS, VIEW),
        "enrollment.bill": VIEW,
        "enrollment.billline": VIEW,  # a bill's lines, on a page of their own
        "enrollment.payment": ("view", "add", "change"),
        **MOU_EDIT,
        **CLAIM_FILE,
    },
    Role.SEKDA: {
        **dict.fromkeys(REGION_MODELS, VIEW),
        "regencies.workunit": ALL,
        "regencies.coveragetarget": ALL,
        "enrollment.roster": VIEW,
        **dict.fromkeys(ROSTER_READ_MODELS, VIEW),
        "enrollment.membership": VIEW,
        **dict.fromkeys(CONTRIBUTION_RULE_MODELS, VIEW),
        "enrollment.bill": VIEW,
        "enrollment.billline": VIEW,  # a bill's lines, on a page of their own
        "enrollment.payment": VIEW,
        **MOU_EDIT,
        **CLAIM_VIEW,
    },
    Role.PROVINCE_ADMIN: {
        **dict.fromkeys(REGION_MODELS, ALL),
        "regencies.workunit": ALL,
        "regencies.coveragetarget": ALL,
        "bpjs_tracker.user": ALL,
        "axes.accessattempt": ("view", "delete"),  # unlock a locked-out login
        "enrollment.roster": ALL,
        **dict.fromkeys(ROSTER_READ_MODELS, ALL),
        "enrollment.membership": ALL,
        **dict.fromkeys(CONTRIBUTION_RULE_MODELS, ALL),
        "enrollment.bill": VIEW,
        "enrollment.billline": VIEW,  # a bill's lines, on a page of their own
        "enrollment.payment": ALL,
        **MOU_ALL,
        **CLAIM_ALL,
    },
}


# Claim workflow (issue #9): who may move a claim. Treasurers and branch staff file (submit);
# branch staff verify, approve, record the payment and refuse. The provincial administrator
# may do everything. The scope still decides which claims (out of scope: 404).
CLAIM_FILERS = frozenset({*TREASURER_ROLES, Role.BRANCH_STAFF, Role.PROVINCE_ADMIN})
CLAIM_DECIDERS = frozenset({Role.BRANCH_STAFF, Role.PROVINCE_ADMIN})
CLAIM_ACTIONS: dict[str, frozenset[str]] = {
    "submit": CLAIM_FILERS,
    "verify": CLAIM_DECIDERS,
    "approve": CLAIM_DECIDERS,
    "pay": CLAIM_DECIDERS,
    "reject": CLAIM_DECIDERS,
}


def may_act_on_claim(user, action: str) -> bool:
    """May `user`'s role take `action` (submit, verify, approve, pay, reject) on a claim?"""
    scope = scope_for(user)
    return scope is not None and scope.role in CLAIM_ACTIONS[action]


def may_file_claims(user) -> bool:
    """Treasurers and branch staff file claims and edit them while they are drafts."""
    return may_act_on_claim(user, "submit")


def role_group_name(role: str) -> str:
    return f"role:{role}"


@dataclass
class SyncResult:
    groups_created: int = 0
    permissions_added: int = 0
    permissions_removed: int = 0


@transaction.atomic
def sync_roles() -> SyncResult:
    """Make one Group per role hold exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    result = SyncResult()
    perms = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, created = Group.objects.get_or_create(name=role_group_name(role))
        result.groups_created += created
        wanted = set()
        for label, actions in ROLE_PERMISSIONS.get(role, {}).items():
            app_label, model = label.split(".")
            for action in actions:
                key = (app_label, f"{action}_{model}")
                if key not in perms:
                    raise LookupError(f"Permission {key} for role {role} does not exist")
                wanted.add(perms[key].pk)
        current = set(group.permissions.values_list("pk", flat=True))
        group.permissions.add(*(wanted - current))
        group.permissions.remove(*(current - wanted))
        result.permissions_added += len(wanted - current)
        result.permissions_removed += len(current - wanted)
    return result
