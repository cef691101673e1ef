"""Every role × every registered admin: in-scope rows show, out-of-scope rows answer 404."""

import pytest
from django.contrib import admin
from django.urls import reverse

from bpjs_tracker.admin import ScopedInlineMixin, ScopedModelAdmin
from bpjs_tracker.roles import Role
from tests.scoping_cases import CASES

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODELS = [model for model, _ in REGISTERED]


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _can_view(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def test_every_registered_admin_derives_from_the_scoped_base():
    unscoped = [m._meta.label for m, a in REGISTERED if not isinstance(a, ScopedModelAdmin)]
    assert unscoped == []


def test_every_inline_derives_from_the_scoped_inline():
    unscoped = [
        f"{m._meta.label}: {inline.__name__}"
        for m, a in REGISTERED
        for inline in a.inlines
        if not issubclass(inline, ScopedInlineMixin)
    ]
    assert unscoped == []


def test_every_registered_admin_has_a_scoping_case():
    assert [m._meta.label for m in MODELS if m not in CASES] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_sees_exactly_its_scope_in_every_admin(client, world, role, model):
    user = world.user(role)
    case = CASES[model]
    inside = case.inside(world, role)
    outside = case.outside(world) if case.outside else None
    client.force_login(user)

    if not _can_view(user, model):
        assert client.get(_url(model, "changelist")).status_code == 403
        assert client.get(_url(model, "change", inside.pk)).status_code == 403
        return

    response = client.get(_url(model, "changelist"))
    assert response.status_code == 200
    shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
    assert inside.pk in shown
    assert client.get(_url(model, "change", inside.pk)).status_code == 200
    assert client.get(_url(model, "history", inside.pk)).status_code == 200
    if outside is None:
        return
    if role == Role.PROVINCE_ADMIN:
        assert outside.pk in shown
        assert client.get(_url(model, "change", outside.pk)).status_code == 200
    else:
        assert outside.pk not in shown
        assert client.get(_url(model, "change", outside.pk)).status_code == 404
        assert client.get(_url(model, "history", outside.pk)).status_code == 404
