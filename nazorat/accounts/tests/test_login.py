import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from nazorat import testing
from nazorat.core.models import Event

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def citizen():
    return testing.citizen(username="anvar", email="Anvar@Example.uz", phone="90 123 45 67",
                           preferred_language="ru")


@pytest.mark.parametrize("identifier", ["anvar", "ANVAR", "anvar@example.uz", "+998901234567", "90 123-45-67"])
def test_login_by_username_email_or_phone(client, citizen, identifier):
    response = client.post(LOGIN, {"username": identifier, "password": testing.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(citizen.pk)
    event = Event.objects.filter(action="account.login").last()
    assert event.actor == citizen and event.payload["method"] == "password"


def test_login_page_is_accessible_and_labelled(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert '<label class="form-label" for="id_username">' in html
    assert reverse("accounts:password_reset") in html
    assert 'data-testid="oidc-login"' not in html  # OIDC off by default


def test_wrong_password_gives_one_message_and_an_event(client, citizen):
    wrong_password = client.post(LOGIN, {"username": "anvar", "password": "nope-nope-nope"})
    unknown_user = client.post(LOGIN, {"username": "nobody", "password": "nope-nope-nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    for response in (wrong_password, unknown_user):
        errors = response.context["form"].non_field_errors()
        assert errors == ["The login details are not right. Check them and try again."]
    assert "_auth_user_id" not in client.session
    failed = Event.objects.filter(action="account.login_failed").order_by("id")
    assert [e.payload["identifier"] for e in failed] == ["anvar", "nobody"]
    assert failed[0].object_id == str(citizen.pk)
    assert "nope" not in str(failed[0].payload)


def test_login_sets_the_language_cookie_to_the_preferred_language(uz_client, citizen):
    client = uz_client  # a visitor who has not picked a language
    response = client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert settings.LANGUAGE_COOKIE_NAME not in client.get(reverse("accounts:profile")).cookies  # once only
    assert '<html lang="ru">' in client.get(reverse("accounts:profile")).content.decode()


def test_a_language_picked_with_the_switcher_before_login_stays(client, citizen):
    client.post("/i18n/setlang/", {"language": "uz-cyrl", "next": "/"})
    response = client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uz-cyrl"


def test_the_language_set_by_a_previous_login_does_not_stick_to_the_next_person(client, citizen):
    client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD})  # Russian
    client.post(reverse("accounts:logout"))
    testing.citizen(username="zarina", preferred_language="en")
    response = client.post(LOGIN, {"username": "zarina", "password": testing.PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize("next_url, expected", [
    ("/accounts/profile/", "/accounts/profile/"),
    ("https://evil.example.com/", None),
    ("//evil.example.com/", None),
])
def test_next_is_followed_only_within_the_site(client, citizen, next_url, expected):
    response = client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD, "next": next_url})
    assert response["Location"] == (expected or reverse(settings.LOGIN_REDIRECT_URL))


@override_settings(NAZORAT_LOGIN_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_identifier_from_that_address(client, citizen):
    for _i in range(3):
        response = client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
    assert "Too many failed attempts" in response.content.decode()
    # Even the right password is refused while locked, and the password is not even checked.
    response = client.post(LOGIN, {"username": "ANVAR", "password": testing.PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="account.login_locked").count() == 1
    # From another address the person is not locked out.
    response = client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    # When the window has passed, logging in works again.
    cache.clear()
    response = client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD})
    assert response.status_code == 302


def test_default_limit_is_ten_failures(client, citizen):
    for _i in range(9):
        response = client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
        assert "Too many failed attempts" not in response.content.decode()
    response = client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
    assert "Too many failed attempts" in response.content.decode()


def test_a_successful_login_clears_the_failures(client, citizen):
    with override_settings(NAZORAT_LOGIN_FAILURE_LIMIT=3):
        client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
        client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
        assert client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD}).status_code == 302
        client.post(reverse("accounts:logout"))
        client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
        client.post(LOGIN, {"username": "anvar", "password": "wrong-password"})
        assert client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD}).status_code == 302


def test_blocked_account_cannot_log_in(client, citizen):
    citizen.is_active = False
    citizen.last_login = citizen.date_joined
    citizen.save()
    response = client.post(LOGIN, {"username": "anvar", "password": testing.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only_and_recorded(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="account.logout", actor=citizen).exists()


def test_admin_login_uses_the_same_rules(client, citizen):
    admin_user = testing.person(username="admin1")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    # A citizen has no access to the administration, whatever the password.
    response = client.post("/admin/login/", {"username": "anvar", "password": testing.PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    with override_settings(NAZORAT_LOGIN_FAILURE_LIMIT=2):
        client.post("/admin/login/", {"username": "admin1", "password": "wrong-password"})
        client.post("/admin/login/", {"username": "admin1", "password": "wrong-password"})
        response = client.post("/admin/login/", {"username": "admin1", "password": testing.PASSWORD})
        assert "Too many failed attempts" in response.content.decode()
    cache.clear()
    response = client.post("/admin/login/?next=/admin/", {"username": "admin1", "password": testing.PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
