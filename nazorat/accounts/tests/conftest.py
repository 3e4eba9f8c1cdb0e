import re

import pytest
from django.core import mail
from django.core.cache import cache

from nazorat import testing
from nazorat.notifications.channels import MemorySmsBackend


@pytest.fixture(autouse=True)
def _clean_state():
    """Lockout counters and resend throttles live in the cache; SMS in a class-level list."""
    cache.clear()
    MemorySmsBackend.outbox.clear()
    yield
    cache.clear()
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def organisation(db):
    return testing.org(name="Chust tumani hokimligi", territory_code="1714224", code="chust-hok")


@pytest.fixture
def sms_outbox():
    return MemorySmsBackend.outbox


def sms_code(outbox, phone: str) -> str:
    texts = [text for to, text in outbox if to == phone]
    assert texts, f"no SMS to {phone}: {outbox}"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def link_in(message) -> str:
    """The path of the first link to this site in an e-mail."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def outbox():
    return mail.outbox
