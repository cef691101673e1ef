"""Admin classes for enrollment. Contributions, bills and payments live in admin_billing."""

from enrollment import admin_billing  # noqa: F401 - registers the contribution admins
