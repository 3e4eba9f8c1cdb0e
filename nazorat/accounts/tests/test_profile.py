from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from nazorat import testing
from nazorat.accounts.models import User
from nazorat.core.models import Event

from .conftest import link_in, sms_code

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


@pytest.fixture
def citizen():
    user = testing.citizen(username="bobur", email="bobur@example.uz", phone="+998901234567")
    User.objects.filter(pk=user.pk).update(email_confirmed=True, phone_confirmed=True)
    user.refresh_from_db()
    return user


def profile_data(**overrides):
    data = {"profile-last_name": "Aliyev", "profile-first_name": "Bobur", "profile-patronymic": "",
            "profile-address": "Chust, Navoiy ko'chasi 5", "profile-preferred_language": "uz"}
    data.update(overrides)
    return data


def test_profile_needs_login(client, db):
    assert client.get(PROFILE)["Location"].startswith(reverse("accounts:login"))


def test_citizen_changes_names_and_language(client, citizen):
    client.force_login(citizen)
    assert client.get(PROFILE).status_code == 200
    response = client.post(PROFILE, profile_data(**{"profile-preferred_language": "ru"}))
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    citizen.refresh_from_db()
    assert (citizen.last_name, citizen.preferred_language) == ("Aliyev", "ru")
    event = Event.objects.get(action="account.profile_changed", actor=citizen)
    assert event.payload["changes"]["preferred_language"] == ["uz", "ru"]
    page = client.get(PROFILE)
    assert '<html lang="ru">' in page.content.decode()


def test_profile_errors_change_nothing(client, citizen):
    client.force_login(citizen)
    response = client.post(PROFILE, profile_data(**{"profile-last_name": "", "profile-preferred_language": "xx"}))
    assert response.status_code == 200
    assert {"last_name", "preferred_language"} <= set(response.context["profile_form"].errors)
    citizen.refresh_from_db()
    assert citizen.last_name != "" and citizen.preferred_language == "uz"
    assert not Event.objects.filter(action="account.profile_changed").exists()


def test_staff_see_memberships_and_cannot_change_names(client, organisation):
    staff = testing.staff(organisation, position="deputy", roles=("executor", "control_group"), username="xodim",
                          title="Hokim o'rinbosari")
    client.force_login(staff)
    page = client.get(PROFILE)
    html = page.content.decode()
    assert "Hokim o&#x27;rinbosari" in html and "Chust tumani hokimligi" in html
    assert set(page.context["profile_form"].fields) == {"preferred_language"}
    client.post(PROFILE, {"profile-last_name": "Boshqa", "profile-preferred_language": "en"})
    staff.refresh_from_db()
    assert staff.last_name != "Boshqa" and staff.preferred_language == "en"


def test_email_change_needs_confirmation(client, citizen, outbox, time_machine):
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile_contact"),
                           {"contact-email": "first@example.uz", "contact-phone": "+998901234567"})
    assert response["Location"] == PROFILE
    citizen.refresh_from_db()
    assert citizen.email == "bobur@example.uz"  # unchanged until the link is opened
    assert outbox[-1].to == ["first@example.uz"]
    first_link = link_in(outbox[-1])
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    client.post(reverse("accounts:profile_contact"), {"contact-email": "second@example.uz",
                                                      "contact-phone": "+998901234567"})
    second_link = link_in(outbox[-1])
    client.post(second_link)
    citizen.refresh_from_db()
    assert (citizen.email, citizen.email_confirmed) == ("second@example.uz", True)
    assert Event.objects.filter(action="account.email_confirmed", payload__previous="bobur@example.uz").exists()
    # The same link again: already done. The link of the abandoned change: dead, nothing changes.
    assert "already confirmed" in client.post(second_link).content.decode()
    response = client.post(first_link)
    assert response.status_code == 400 and "no longer valid" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == "second@example.uz"


def test_phone_change_needs_the_code(client, citizen, django_capture_on_commit_callbacks, sms_outbox):
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:profile_contact"),
                               {"contact-email": "bobur@example.uz", "contact-phone": "93 777 88 99"})
    assert response["Location"] == reverse("accounts:confirm_phone")
    citizen.refresh_from_db()
    assert citizen.phone == "+998901234567"
    code = sms_code(sms_outbox, "+998937778899")
    response = client.post(reverse("accounts:confirm_phone"), {"code": code})
    assert response["Location"] == PROFILE
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.phone_confirmed) == ("+998937778899", True)


def test_contact_taken_by_someone_else_is_refused(client, citizen):
    other = testing.citizen(username="other", email="other@example.uz")
    User.objects.filter(pk=other.pk).update(email_confirmed=True)
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile_contact"),
                           {"contact-email": "OTHER@example.uz", "contact-phone": "+998901234567"})
    assert response.status_code == 200
    assert "email" in response.context["contact_form"].errors


def test_last_confirmed_contact_cannot_be_removed(client, citizen):
    User.objects.filter(pk=citizen.pk).update(phone=None, phone_confirmed=False)
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile_contact"), {"contact-email": "", "contact-phone": ""})
    assert "email" in response.context["contact_form"].errors
    citizen.refresh_from_db()
    assert citizen.email == "bobur@example.uz"


def test_a_contact_may_be_removed_while_another_confirmed_remains(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile_contact"),
                           {"contact-email": "", "contact-phone": "+998901234567"})
    assert response["Location"] == PROFILE
    citizen.refresh_from_db()
    assert citizen.email is None
    assert Event.objects.filter(action="account.contact_removed", actor=citizen).exists()


def test_confirmation_resend_is_throttled(client, citizen, outbox, time_machine):
    User.objects.filter(pk=citizen.pk).update(email_confirmed=False)
    client.force_login(citizen)
    client.post(reverse("accounts:confirm_resend"), {"channel": "email"})
    response = client.post(reverse("accounts:confirm_resend"), {"channel": "email"}, follow=True)
    assert len(outbox) == 1
    assert "Please wait" in response.content.decode()
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    client.post(reverse("accounts:confirm_resend"), {"channel": "email"})
    assert len(outbox) == 2


def test_company_profile(client, db):
    company = testing.citizen(username="e123", email="info@suv.uz")
    User.objects.filter(pk=company.pk).update(kind="legal_entity", organisation_name="Suv MChJ", tin="301234567",
                                              email_confirmed=True)
    company.refresh_from_db()
    client.force_login(company)
    page = client.get(PROFILE)
    assert {"organisation_name", "tin"} <= set(page.context["profile_form"].fields)
    response = client.post(PROFILE, {"profile-organisation_name": "Suv MChJ", "profile-tin": "30123",
                                     "profile-preferred_language": "uz"})
    assert "tin" in response.context["profile_form"].errors
    response = client.post(PROFILE, {"profile-organisation_name": "Toza Suv MChJ", "profile-tin": "301 234 567",
                                     "profile-preferred_language": "uz"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.organisation_name, company.tin) == ("Toza Suv MChJ", "301234567")
