"""Shared fixtures. Module tests add their own in their tests/ folders."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _default_language():
    from django.utils import translation

    translation.activate("uz")
    yield
    translation.deactivate()
