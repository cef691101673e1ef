"""Loaded by pytest before Django's settings (`-p tests.debug_env` in pyproject.toml).

The settings default to production (no debug, secrets required); the test suite
asks for the development settings explicitly, as the Makefile does.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
