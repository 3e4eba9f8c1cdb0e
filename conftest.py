"""Shared fixtures. Module tests add their own in their tests/ folders.

Tests read messages in English (the msgid language) unless they choose another: the service layer runs
under English, and the `client` fixture carries the language cookie for English. Tests about the default
language (Uzbek) use a client without the cookie (`uz_client`) or the browser."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _english_for_assertions():
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def uz_client():
    """A first-time visitor: no language chosen yet."""
    from django.test import Client

    return Client()


@pytest.fixture
def admin_client(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin_client
