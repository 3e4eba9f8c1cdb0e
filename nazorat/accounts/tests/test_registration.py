from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from nazorat import testing
from nazorat.accounts import services
from nazorat.accounts.models import ConfirmationCode, User
from nazorat.core.models import Event

from .conftest import link_in, sms_code

pytestmark = pytest.mark.django_db

REGISTER = "/accounts/register/"
GOOD_PASSWORD = "Qovun-pishdi-2026"


def person_data(**overrides):
    data = {
        "kind": "individual", "last_name": "Karimova", "first_name": "Dilnoza", "patronymic": "Anvarovna",
        "email": "dilnoza@example.uz", "phone": "", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD,
        "preferred_language": "uz", "consent": "on",
    }
    data.update(overrides)
    return data


def test_registration_page_has_autocomplete_and_defaults_to_the_current_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get(REGISTER)
    html = response.content.decode()
    assert response.status_code == 200
    for token in ("family-name", "given-name", "email", "tel", "new-password"):
        assert f'autocomplete="{token}"' in html
    assert response.context["form"]["preferred_language"].value() == "ru"


@pytest.mark.parametrize("overrides, field", [
    ({"email": "", "phone": ""}, "email"),
    ({"phone": "12345", "email": ""}, "phone"),
    ({"phone": "+7 912 345 67 89"}, "phone"),
    ({"password1": "12345678901", "password2": "12345678901"}, "password1"),
    ({"password1": "password123", "password2": "password123"}, "password1"),
    ({"password2": "something-else-2026"}, "password2"),
    ({"last_name": ""}, "last_name"),
    ({"consent": ""}, "consent"),
    ({"kind": "legal_entity", "organisation_name": "", "tin": "123456789"}, "organisation_name"),
    ({"kind": "legal_entity", "organisation_name": "Chust Suv MChJ", "tin": "12345"}, "tin"),
])
def test_invalid_registration_changes_nothing(client, overrides, field):
    users_before, events_before = User.objects.count(), Event.objects.count()
    response = client.post(REGISTER, person_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert (User.objects.count(), Event.objects.count()) == (users_before, events_before)


def test_duplicate_email_is_refused_case_insensitively(client, outbox):
    testing.citizen(username="old", email="Dilnoza@Example.UZ", phone="+998901112233")
    User.objects.filter(username="old").update(email_confirmed=True)
    count = User.objects.count()
    response = client.post(REGISTER, person_data(email="DILNOZA@example.uz"))
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert User.objects.count() == count and not outbox


def test_duplicate_phone_is_refused_in_any_spelling(client):
    testing.citizen(username="old", phone="+998901112233")
    User.objects.filter(username="old").update(phone_confirmed=True)
    response = client.post(REGISTER, person_data(email="", phone="(90) 111-22-33"))
    assert "phone" in response.context["form"].errors


def test_email_registration_sends_a_link_that_activates_and_logs_in(client, outbox):
    response = client.post(REGISTER, person_data(preferred_language="en"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:confirm_pending")
    user = User.objects.get(email="dilnoza@example.uz")
    assert not user.is_active and not user.email_confirmed
    assert user.username.startswith("c") and user.username[1:].isdigit()
    assert user.check_password(GOOD_PASSWORD)
    assert Event.objects.filter(action="account.registered", object_id=str(user.pk)).exists()
    # Not confirmed yet: the password alone does not let them in, and they are told why.
    login = client.post("/accounts/login/", {"username": "dilnoza@example.uz", "password": GOOD_PASSWORD})
    assert "not confirmed yet" in login.content.decode()
    assert "_auth_user_id" not in client.session

    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["dilnoza@example.uz"]
    assert "confirm your account" in message.subject  # in the chosen language (English)
    path = link_in(message)
    assert client.get(path).status_code == 200  # a GET (mail scanners) changes nothing
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Event.objects.filter(action="account.activated", object_id=str(user.pk)).exists()
    assert Event.objects.filter(action="account.login", actor=user, payload__method="email_confirmation").exists()
    # The link is spent: using it again opens nothing new.
    again = client.get(path)
    assert "already confirmed" in again.content.decode()


def test_tampered_link_does_nothing(client, outbox):
    client.post(REGISTER, person_data())
    path = link_in(outbox[0])
    token = path.rstrip("/").split("/")[-1]
    tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    response = client.post(tampered)
    assert response.status_code == 400
    assert not User.objects.get(email="dilnoza@example.uz").is_active


def test_expired_link_does_nothing(client, outbox, time_machine):
    client.post(REGISTER, person_data())
    path = link_in(outbox[0])
    time_machine.move_to(timezone.now() + timedelta(days=3, minutes=1))
    response = client.post(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not User.objects.get(email="dilnoza@example.uz").is_active


def test_a_link_signed_for_another_purpose_is_refused(client, db):
    user = testing.citizen(username="x", email="x@example.uz")
    token = signing.TimestampSigner(salt="other").sign_object({"u": user.pk, "e": "x@example.uz", "o": "x@example.uz"})
    assert client.post(reverse("accounts:confirm_email", args=[token])).status_code == 400


def test_phone_registration_confirms_by_sms_code(client, django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, person_data(email="", phone="+998 93 555 66 77", preferred_language="ru"))
    assert response.status_code == 302
    user = User.objects.get(phone="+998935556677")
    assert not user.is_active
    code_row = ConfirmationCode.objects.get(user=user)
    code = sms_code(sms_outbox, "+998935556677")
    assert code not in code_row.code_hash and len(code_row.code_hash) == 64  # only a keyed hash is stored
    assert "Nazorat" in sms_outbox[-1][1]

    page = client.get(reverse("accounts:confirm_phone"))
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(reverse("accounts:confirm_phone"), {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.phone_confirmed
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Event.objects.filter(action="account.phone_confirmed", object_id=str(user.pk)).exists()


def test_wrong_codes_are_limited_to_five(client, django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, person_data(email="", phone="+998935556677"))
    code = sms_code(sms_outbox, "+998935556677")
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post(reverse("accounts:confirm_phone"), {"code": wrong})
        assert f"{left} attempt" in response.content.decode()
    response = client.post(reverse("accounts:confirm_phone"), {"code": wrong})
    assert "ask for a new one" in response.content.decode()
    # The right code no longer helps: five attempts are used up.
    response = client.post(reverse("accounts:confirm_phone"), {"code": code})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    user = User.objects.get(phone="+998935556677")
    assert not user.is_active
    assert Event.objects.filter(action="account.phone_code_failed", object_id=str(user.pk)).count() == 5


def test_code_expires_after_fifteen_minutes(client, django_capture_on_commit_callbacks, sms_outbox, time_machine):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, person_data(email="", phone="+998935556677"))
    code = sms_code(sms_outbox, "+998935556677")
    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    response = client.post(reverse("accounts:confirm_phone"), {"code": code})
    assert "expired" in response.content.decode()
    assert not User.objects.get(phone="+998935556677").is_active


def test_resend_is_throttled_and_a_new_code_replaces_the_old(client, django_capture_on_commit_callbacks, sms_outbox,
                                                             time_machine):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, person_data(email="", phone="+998935556677"))
    first = sms_code(sms_outbox, "+998935556677")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:confirm_resend"), {"channel": "phone"}, follow=True)
    assert "Please wait" in response.content.decode()
    assert len(sms_outbox) == 1
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:confirm_resend"), {"channel": "phone"})
    assert len(sms_outbox) == 2
    second = sms_code(sms_outbox, "+998935556677")
    if first != second:
        response = client.post(reverse("accounts:confirm_phone"), {"code": first})
        assert response.status_code == 200  # the old code stopped working
    response = client.post(reverse("accounts:confirm_phone"), {"code": second})
    assert response.status_code == 302


def test_company_registration(client, outbox):
    response = client.post(REGISTER, person_data(kind="legal_entity", organisation_name="Chust Suv MChJ",
                                                 tin="301 234 567", last_name="", first_name="",
                                                 email="info@chustsuv.uz"))
    assert response.status_code == 302
    user = User.objects.get(email="info@chustsuv.uz")
    assert (user.kind, user.organisation_name, user.tin) == ("legal_entity", "Chust Suv MChJ", "301234567")
    assert user.username.startswith("e")
    assert user.display_name == "Chust Suv MChJ"


def test_a_stale_unconfirmed_claim_on_an_email_is_released(client, outbox, time_machine):
    client.post(REGISTER, person_data())
    squatter = User.objects.get(email="dilnoza@example.uz")
    outbox.clear()
    # Within three days the address waits for its first registrant.
    response = client.post(REGISTER, person_data(first_name="Boshqa"))
    assert "waiting for confirmation" in str(response.context["form"].errors["email"])
    time_machine.move_to(timezone.now() + timedelta(days=3, hours=1))
    response = client.post(REGISTER, person_data(first_name="Haqiqiy"))
    assert response.status_code == 302
    squatter.refresh_from_db()
    assert squatter.email is None
    assert User.objects.get(email="dilnoza@example.uz").first_name == "Haqiqiy"
    assert Event.objects.filter(action="account.contact_released", object_id=str(squatter.pk)).exists()


def test_service_refuses_bad_input_without_a_form(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.account_register(kind="individual", password="x", email="", phone="")
    assert {"email", "last_name", "first_name", "password1"} <= set(err.value.message_dict)
    assert not User.objects.exists()
