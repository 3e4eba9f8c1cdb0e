import pytest
from django.urls import reverse

from nazorat import testing
from nazorat.accounts.models import User
from nazorat.core.models import Event

from .conftest import link_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yangi-parol-2026!"


@pytest.fixture
def citizen():
    user = testing.citizen(username="malika", email="malika@example.uz", preferred_language="ru")
    User.objects.filter(pk=user.pk).update(email_confirmed=True)
    user.refresh_from_db()
    return user


def test_password_reset_by_email(client, citizen, outbox):
    page = client.get(reverse("accounts:password_reset"))
    assert page.status_code == 200 and 'autocomplete="email"' in page.content.decode()
    response = client.post(reverse("accounts:password_reset"), {"email": "MALIKA@example.uz"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(outbox) == 1 and outbox[0].to == ["malika@example.uz"]
    assert Event.objects.filter(action="account.password_reset_requested", object_id=str(citizen.pk)).exists()

    path = link_in(outbox[0])
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert reverse("accounts:login") in client.get(response["Location"]).content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert Event.objects.filter(action="account.password_reset", object_id=str(citizen.pk)).exists()
    # The link works once.
    assert "not valid" in client.get(path, follow=True).content.decode()
    # And the new password logs in.
    response = client.post("/accounts/login/", {"username": "malika", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_reset_mail_is_in_the_persons_language(client, citizen, outbox, settings):
    client.post(reverse("accounts:password_reset"), {"email": "malika@example.uz"})
    assert outbox[0].subject  # rendered under the person's language (translations arrive with the catalogues)
    assert "/accounts/password/reset/" in outbox[0].body


def test_no_reset_mail_to_an_unconfirmed_address(client, citizen, outbox):
    User.objects.filter(pk=citizen.pk).update(email_confirmed=False)
    response = client.post(reverse("accounts:password_reset"), {"email": "malika@example.uz"})
    assert response.status_code == 302  # the same answer, nothing revealed
    assert outbox == []


def test_reset_of_an_unknown_address_reveals_nothing(client, db, outbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.uz"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert outbox == []


def test_password_change(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("accounts:password_change"))
    html = page.content.decode()
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    response = client.post(reverse("accounts:password_change"), {
        "old_password": testing.PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert "new_password2" in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.check_password(testing.PASSWORD)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": testing.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(citizen.pk)  # still logged in here
    assert Event.objects.filter(action="account.password_changed", actor=citizen).exists()


def test_password_change_needs_login(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_reset_mails_are_throttled(client, citizen, outbox):
    client.post(reverse("accounts:password_reset"), {"email": "malika@example.uz"})
    client.post(reverse("accounts:password_reset"), {"email": "malika@example.uz"})
    assert len(outbox) == 1
