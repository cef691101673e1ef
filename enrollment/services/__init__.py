"""Writes of the enrollment app: rosters (upload, import, verify, return), memberships, KPJ."""
