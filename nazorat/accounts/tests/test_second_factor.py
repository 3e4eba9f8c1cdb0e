import re
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nazorat import testing
from nazorat.core.models import Event

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
INBOX = "/inbox/"


def token_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def signatory(organisation):
    return testing.staff(organisation, position="head", roles=("signatory",), username="hokim")


@pytest.fixture
def executor(organisation):
    return testing.staff(organisation, roles=("executor",), username="ijrochi")


def test_signatory_must_set_up_totp_before_reaching_the_inbox(client, signatory):
    response = client.post(LOGIN, {"username": "hokim", "password": testing.PASSWORD, "next": INBOX})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    # Without a device, the second-factor page sends them to set one up.
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:totp_setup"))
    assert unquote(response["Location"]).endswith("next=" + INBOX)
    # Staff pages stay closed meanwhile.
    blocked = client.get(INBOX)
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("accounts:second_factor"))

    setup = client.get(response["Location"])
    html = setup.content.decode()
    assert setup.status_code == 200
    assert "<svg" in html and 'autocomplete="one-time-code"' in html
    device = TOTPDevice.objects.get(user=signatory, confirmed=False)
    secret = "".join(setup.context["secret_groups"])
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert client.get(reverse("accounts:totp_setup")).context["secret_groups"] == setup.context["secret_groups"]

    wrong_token = "000000" if token_for(device) != "000000" else "111111"
    wrong = client.post(reverse("accounts:totp_setup"), {"token": wrong_token, "next": INBOX})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # skip the wait django-otp imposes after a wrong code
    device.save()

    response = client.post(reverse("accounts:totp_setup"), {"token": token_for(device), "next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INBOX).status_code == 200
    assert Event.objects.filter(action="account.totp_added", actor=signatory).exists()


def test_user_with_a_device_is_asked_for_the_code_at_login(client, executor):
    device = TOTPDevice.objects.create(user=executor, name="app", confirmed=True)
    response = client.post(LOGIN, {"username": "ijrochi", "password": testing.PASSWORD})
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert client.get(INBOX).status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(reverse("accounts:second_factor"), {"token": "12345", "next": INBOX})
    assert "6 digits" in response.content.decode()
    response = client.post(reverse("accounts:second_factor"), {"token": token_for(device), "next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert client.get(INBOX).status_code == 200
    assert Event.objects.filter(action="account.second_factor_passed", actor=executor).exists()


def test_wrong_codes_are_recorded_and_slowed_down(client, executor):
    device = TOTPDevice.objects.create(user=executor, name="app", confirmed=True)
    client.post(LOGIN, {"username": "ijrochi", "password": testing.PASSWORD})
    right = token_for(device)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(reverse("accounts:second_factor"), {"token": wrong})
    assert "not right" in response.content.decode()
    response = client.post(reverse("accounts:second_factor"), {"token": right})
    assert response.status_code == 200 and "Too many wrong codes" in response.content.decode()
    assert Event.objects.filter(action="account.second_factor_failed", actor=executor).count() == 2


def test_staff_without_a_device_and_not_signatory_goes_straight_in(client, executor):
    response = client.post(LOGIN, {"username": "ijrochi", "password": testing.PASSWORD, "next": INBOX})
    assert response["Location"] == INBOX
    assert client.get(INBOX).status_code == 200


def test_a_password_alone_cannot_replace_an_existing_device(client, executor):
    TOTPDevice.objects.create(user=executor, name="app", confirmed=True)
    client.post(LOGIN, {"username": "ijrochi", "password": testing.PASSWORD})
    response = client.get(reverse("accounts:totp_setup"))
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:second_factor"))
    response = client.post(reverse("accounts:totp_remove"), {"totp-password": testing.PASSWORD})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=executor).count() == 1


def test_voluntary_device_can_be_removed_with_the_password(client, executor):
    device = TOTPDevice.objects.create(user=executor, name="app", confirmed=True)
    client.post(LOGIN, {"username": "ijrochi", "password": testing.PASSWORD})
    client.post(reverse("accounts:second_factor"), {"token": token_for(device)})
    response = client.post(reverse("accounts:totp_remove"), {"totp-password": "wrong-password"})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=executor).exists()
    response = client.post(reverse("accounts:totp_remove"), {"totp-password": testing.PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=executor).exists()
    event = Event.objects.get(action="account.totp_removed")
    assert event.actor == executor and event.payload["by"] == "profile"


def test_signatory_cannot_turn_it_off_but_an_administrator_can_remove_the_device(client, signatory):
    device = TOTPDevice.objects.create(user=signatory, name="app", confirmed=True)
    client.post(LOGIN, {"username": "hokim", "password": testing.PASSWORD})
    client.post(reverse("accounts:second_factor"), {"token": token_for(device)})
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "cannot be turned off" in profile
    response = client.post(reverse("accounts:totp_remove"), {"totp-password": testing.PASSWORD}, follow=True)
    assert response.status_code == 200 and "Signatories must use two-step verification" in response.content.decode()
    assert TOTPDevice.objects.filter(user=signatory).exists()

    call_command("remove_totp", "hokim")
    assert not TOTPDevice.objects.filter(user=signatory).exists()
    assert Event.objects.filter(action="account.totp_removed", payload__by="command").exists()


def test_admin_deletion_of_a_device_is_recorded(signatory):
    device = TOTPDevice.objects.create(user=signatory, name="app", confirmed=True)
    device.delete()  # what the administration's delete does
    assert Event.objects.filter(action="account.totp_removed", payload__by="administration",
                                object_id=str(signatory.pk)).exists()


def test_staff_may_turn_it_on_from_the_profile(client, executor):
    client.force_login(executor)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:totp_setup") in page
    client.get(reverse("accounts:totp_setup"))
    device = TOTPDevice.objects.get(user=executor)
    response = client.post(reverse("accounts:totp_setup"), {"token": token_for(device)})
    assert response["Location"] == reverse("accounts:profile")
    # Logged out and in again, the code is asked for.
    client.post(reverse("accounts:logout"))
    response = client.post(LOGIN, {"username": "ijrochi", "password": testing.PASSWORD})
    assert response["Location"].startswith(reverse("accounts:second_factor"))
