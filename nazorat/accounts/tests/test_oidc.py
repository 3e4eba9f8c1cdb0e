import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory, override_settings

from nazorat import testing
from nazorat.accounts import oidc
from nazorat.accounts.models import User
from nazorat.core.models import Event
from nazorat.web.context_processors import shell

pytestmark = pytest.mark.django_db

ONEID_CLAIMS = {
    "sub": "oneid-7f3a", "pin": "31203881234567", "sur_name": "G'ULOMOV", "first_name": "SARDOR",
    "mid_name": "ALISHER O'G'LI", "mob_phone_no": "998901112233", "email": "sardor@example.uz",
}
STANDARD_CLAIMS = {
    "sub": "std-1", "pinfl": "41203881234568", "family_name": "Karimova", "given_name": "Nilufar",
    "middle_name": "Bahodirovna", "phone_number": "+998 93 444 55 66", "phone_number_verified": True,
    "email": "Nilufar@Example.uz", "email_verified": True,
}


def test_oneid_claims_are_mapped():
    profile = oidc.profile_from_claims(ONEID_CLAIMS)
    assert profile.subject == "oneid-7f3a"
    assert (profile.last_name, profile.first_name, profile.patronymic) == ("G'ulomov", "Sardor", "Alisher O'g'li")
    assert profile.pinfl == "31203881234567"
    assert profile.phone == "+998901112233" and profile.phone_verified
    assert profile.email == "sardor@example.uz" and not profile.email_verified  # OneID does not vouch for e-mail


def test_standard_claims_are_mapped():
    profile = oidc.profile_from_claims(STANDARD_CLAIMS)
    assert (profile.last_name, profile.first_name, profile.patronymic) == ("Karimova", "Nilufar", "Bahodirovna")
    assert profile.pinfl == "41203881234568"
    assert profile.phone == "+998934445566" and profile.phone_verified
    assert profile.email == "Nilufar@example.uz" and profile.email_verified


def test_bad_values_are_dropped():
    profile = oidc.profile_from_claims({"sub": "x", "pin": "123", "phone_number": "12345", "email": "a@b.uz"})
    assert (profile.pinfl, profile.phone, profile.email_verified) == ("", None, False)


def test_first_login_creates_a_confirmed_citizen():
    user = oidc.user_from_claims(ONEID_CLAIMS)
    assert user.kind == "individual" and user.is_active
    assert user.oidc_subject == "oneid-7f3a" and user.pinfl == "31203881234567"
    assert (user.phone, user.phone_confirmed) == ("+998901112233", True)
    assert user.email is None  # not verified by the provider: the person may add it on the profile
    assert not user.has_usable_password()
    assert user.username.startswith("c")
    assert Event.objects.filter(action="account.oidc_created", actor=user).exists()
    # The next login finds the same account by subject.
    again = oidc.user_from_claims({**ONEID_CLAIMS, "sur_name": "G'ULOMOV-YANGI"})
    assert again.pk == user.pk and again.last_name == "G'ulomov-Yangi"
    assert User.objects.count() == 1


def test_existing_account_is_linked_by_pinfl():
    staff_member = testing.person(username="xodim", first_name="Sardor", last_name="Gulomov")
    User.objects.filter(pk=staff_member.pk).update(pinfl="31203881234567")
    user = oidc.user_from_claims(ONEID_CLAIMS)
    assert user.pk == staff_member.pk
    assert user.oidc_subject == "oneid-7f3a"
    assert user.last_name == "Gulomov"  # staff names are the administrators' and are not overwritten
    assert Event.objects.filter(action="account.oidc_linked", actor=user).exists()


def test_existing_citizen_is_linked_by_a_verified_and_confirmed_email():
    citizen = testing.citizen(username="nilufar", email="nilufar@example.uz")
    User.objects.filter(pk=citizen.pk).update(email_confirmed=True)
    user = oidc.user_from_claims(STANDARD_CLAIMS)
    assert user.pk == citizen.pk
    assert user.first_name == "Nilufar" and user.pinfl == "41203881234568"
    assert user.phone == "+998934445566" and user.phone_confirmed


def test_unconfirmed_email_is_not_used_to_match_and_is_released():
    squatter = testing.citizen(username="squatter", email="nilufar@example.uz")
    user = oidc.user_from_claims(STANDARD_CLAIMS)
    assert user.pk != squatter.pk
    assert user.email.lower() == "nilufar@example.uz" and user.email_confirmed
    squatter.refresh_from_db()
    assert squatter.email is None


def test_unverified_email_never_matches():
    citizen = testing.citizen(username="nilufar", email="nilufar@example.uz")
    User.objects.filter(pk=citizen.pk).update(email_confirmed=True)
    user = oidc.user_from_claims({**STANDARD_CLAIMS, "email_verified": False, "pinfl": ""})
    assert user.pk != citizen.pk


def test_an_account_bound_to_another_subject_is_not_taken_over():
    other = testing.citizen(username="other")
    User.objects.filter(pk=other.pk).update(pinfl="31203881234567", oidc_subject="someone-else")
    with pytest.raises(SuspiciousOperation):
        oidc.user_from_claims(ONEID_CLAIMS)


def test_claims_without_subject_are_refused():
    with pytest.raises(SuspiciousOperation):
        oidc.user_from_claims({"pin": "31203881234567"})


def test_backend_uses_the_same_mapping(monkeypatch):
    backend = oidc.OneIDBackend()
    monkeypatch.setattr(backend, "get_userinfo", lambda *a: {"sur_name": "ALIYEV", "first_name": "VALI"})
    user = backend.get_or_create_user("access", "id", {"sub": "abc"})
    assert (user.oidc_subject, user.last_name, user.first_name) == ("abc", "Aliyev", "Vali")
    assert backend.verify_claims({"sub": "abc"}) and not backend.verify_claims({})
    monkeypatch.setattr(backend, "get_userinfo", lambda *a: {"sub": "other"})
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access", "id", {"sub": "abc"})


def test_oidc_login_is_recorded_with_its_method(client):
    from django.contrib.auth import login

    user = oidc.user_from_claims(ONEID_CLAIMS)
    request = RequestFactory().get("/oidc/callback/")
    request.session = client.session
    login(request, user, backend="nazorat.accounts.oidc.OneIDBackend")
    assert Event.objects.filter(action="account.login", actor=user, payload__method="oidc").exists()


def test_oneid_button_only_when_enabled(client):
    request = RequestFactory().get("/")
    request.user = testing.person(username="p")
    assert shell(request)["oidc_enabled"] is False
    assert 'data-testid="oidc-login"' not in client.get("/accounts/login/").content.decode()
    with override_settings(OIDC_ENABLED=True, ROOT_URLCONF="nazorat.accounts.tests.oidc_urls"):
        assert shell(request)["oidc_enabled"] is True
        html = client.get("/accounts/login/?next=/inbox/").content.decode()
        assert 'data-testid="oidc-login"' in html
        assert 'href="/oidc/authenticate/?next=/inbox/"' in html
