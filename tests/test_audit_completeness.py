"""Every model a person can change keeps its history (issue #11, "Audit completeness").

The list is derived, not written down: every model any role may add, change or
delete (roles.ROLE_PERMISSIONS) and every model whose admin offers add or change
must be registered with django-simple-history. A new model that people edit
without history fails here. The exceptions are few, each with its reason.
"""

from django.apps import apps
from django.contrib import admin

from bpjs_tracker.roles import ROLE_PERMISSIONS

# label -> why its writes are recorded elsewhere.
WITHOUT_HISTORY = {
    # Written only by the roster import, which keeps the upload (file, who, when) and
    # writes the roster's own history row; the admin shows entries read-only.
    "enrollment.rosterentry": "the import's RosterUpload and the Roster's history",
    # The upload *is* the record of an import: file, uploader, time, outcome; read-only.
    "enrollment.rosterupload": "it is itself the audit record of an upload",
    # django-axes' failed-login counter; deleting a row unlocks, logged by the admin (LogEntry).
    "axes.accessattempt": "not a person's data; unlocking is logged in the admin log",
}


def _has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _edited_by_people() -> set[str]:
    labels = {
        label
        for permissions in ROLE_PERMISSIONS.values()
        for label, actions in permissions.items()
        if set(actions) & {"add", "change", "delete"}
    }
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        can_write = (
            type(model_admin).has_add_permission is not admin.ModelAdmin.has_add_permission
            or type(model_admin).has_change_permission is not admin.ModelAdmin.has_change_permission
        )
        if not can_write:  # the stock admin: add and change follow the role's permissions
            labels.add(opts.label_lower)
    return labels


def test_every_model_people_change_has_history():
    missing = sorted(
        label
        for label in _edited_by_people()
        if not _has_history(apps.get_model(label)) and label not in WITHOUT_HISTORY
    )
    assert missing == []


def test_the_exceptions_are_still_needed():
    """An exception that gained history, or that nobody edits any more, leaves this list."""
    stale = sorted(
        label
        for label in WITHOUT_HISTORY
        if _has_history(apps.get_model(label)) or label not in _edited_by_people()
    )
    assert stale == []
