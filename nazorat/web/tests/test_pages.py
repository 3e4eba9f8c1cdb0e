"""The web shell as a visitor and a staff member see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from nazorat import testing
from nazorat.cases import services


@pytest.fixture
def gov(db):
    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714", code="nam-hok")
    chust = testing.org(name="Chust tumani hokimligi", territory_code="1714237", parent=region, code="chust")
    pop = testing.org(name="Pop tumani hokimligi", territory_code="1714219", parent=region, code="pop")
    controller = testing.staff(region, position="unit_head", roles=("control_group",), username="nazorat")
    case = services.case_open(kind="letter", actor=controller, owner=region, title="Suv taʼminoti haqida maʼlumot",
                              due_at=timezone.now() + timedelta(days=3))
    services.assignment_create(case=case, actor=controller, organisation=chust)
    return {"region": region, "chust": chust, "pop": pop, "case": case,
            "chust_exec": testing.staff(chust, roles=("executor",), username="chust_exec"),
            "pop_exec": testing.staff(pop, roles=("executor",), username="pop_exec")}


def test_home_leads_to_the_four_services_in_uzbek_by_default(uz_client, db):
    resp = uz_client.get("/", HTTP_ACCEPT_LANGUAGE="ru,en;q=0.8")  # the browser's wish does not override Uzbek
    assert resp.status_code == 200
    html = resp.content.decode()
    assert '<html lang="uz">' in html
    assert html.count('class="card h-100 service-card"') == 4
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("lang,html_lang", [("uz-cyrl", "uz-Cyrl"), ("ru", "ru"), ("en", "en")])
def test_language_switcher_changes_the_page_language(client, db, lang, html_lang):
    resp = client.post(reverse("set_language"), {"language": lang, "next": "/"}, follow=True)
    html = resp.content.decode()
    assert f'<html lang="{html_lang}">' in html
    for code in ("uz", "uz-cyrl", "ru", "en"):
        assert f'value="{code}"' in html  # the switcher is on every page


def test_static_assets_are_served_locally(client, db):
    for path in ("/static/vendor/bootstrap/css/bootstrap.min.css", "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
                 "/static/vendor/leaflet/leaflet.js", "/static/nazorat/site.css"):
        resp = client.get(path)
        assert resp.status_code == 200, path


def test_inbox_needs_login(client, db):
    resp = client.get(reverse("web:dashboard"))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_inbox_lists_what_waits_on_the_user(client, gov):
    client.force_login(gov["chust_exec"])
    html = client.get(reverse("web:dashboard")).content.decode()
    assert gov["case"].number in html and "Suv taʼminoti" in html
    client.force_login(gov["pop_exec"])
    html = client.get(reverse("web:dashboard")).content.decode()
    assert gov["case"].number not in html


def test_case_page_is_scoped(client, gov):
    url = reverse("cases:detail", args=[gov["case"].pk])
    client.force_login(gov["chust_exec"])
    resp = client.get(url)
    assert resp.status_code == 200 and gov["case"].title in resp.content.decode()
    client.force_login(gov["pop_exec"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("cases:list")).content.decode().count(gov["case"].number) == 0


def test_case_list_search_finds_latin_text_with_a_cyrillic_query(client, gov):
    client.force_login(gov["chust_exec"])
    html = client.get(reverse("cases:list"), {"q": "сув таъминоти"}).content.decode()
    assert gov["case"].number in html
    html = client.get(reverse("cases:list"), {"q": "gaz"}).content.decode()
    assert gov["case"].number not in html


def test_directory_finds_bodies_in_either_script(client, gov):
    html = client.get(reverse("web:directory"), {"q": "Чуст"}).content.decode()
    assert "Chust tumani hokimligi" in html and "Pop tumani hokimligi" not in html


def test_staff_navigation_depends_on_roles(client, gov):
    client.force_login(gov["chust_exec"])
    html = client.get("/").content.decode()
    assert reverse("web:dashboard") in html and reverse("admin:index") not in html
    citizen = testing.citizen()
    client.force_login(citizen)
    html = client.get("/").content.decode()
    assert 'data-testid="nav-inbox"' not in html


def test_django_own_messages_are_uzbek_too(uz_client, db):
    """Django's Uzbek catalogue lacks the password rules; ours supplies them (and in Cyrillic)."""
    html = uz_client.get(reverse("accounts:register")).content.decode()
    assert "Parol shaxsiy maʼlumotlaringizga juda oʻxshash boʻlmasligi kerak." in html
    assert "Your password" not in html
    uz_client.post(reverse("set_language"), {"language": "uz-cyrl", "next": "/"})
    html = uz_client.get(reverse("accounts:register")).content.decode()
    assert "Пароль шахсий маълумотларингизга жуда ўхшаш бўлмаслиги керак." in html
