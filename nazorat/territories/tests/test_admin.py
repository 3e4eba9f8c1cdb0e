"""The territory admin: an administrator finds a place in any script and cannot change its code."""

from __future__ import annotations

import pytest

from nazorat.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(username="root", email="root@example.uz", password="x-very-long-pass-1")
    client.force_login(user)
    return client


@pytest.mark.parametrize("query", ["Қўқон", "Qo'qon", "qoqon", "1730405"])
def test_search_finds_kokand_in_any_spelling(admin_client, query):
    response = admin_client.get("/admin/territories/territory/", {"q": query})
    assert response.status_code == 200
    assert "1730405" in response.content.decode()


def test_filter_by_level_and_code_read_only_on_existing_rows(admin_client):
    response = admin_client.get("/admin/territories/territory/", {"level__exact": "region"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 14
    change = admin_client.get("/admin/territories/territory/1714/change/")
    assert change.status_code == 200
    assert 'name="code"' not in change.content.decode()
    add = admin_client.get("/admin/territories/territory/add/")
    assert 'name="code"' in add.content.decode()
