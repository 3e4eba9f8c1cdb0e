"""The API keeps the contract its OpenAPI schema states (schemathesis, in-process, GET endpoints, with and
without credentials)."""

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]

from nazorat.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application).include(method="GET")


@pytest.fixture
def wsgi_in_test_transaction():
    """Like Django's test client: requests must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db):
    from rest_framework.authtoken.models import Token

    from nazorat import testing

    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714")
    user = testing.staff(region, position="unit_head", roles=("control_group", "controller"))
    return Token.objects.create(user=user).key


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_in_test_transaction")
@schema.parametrize()
@hypothesis.settings(max_examples=15, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_get_endpoints_keep_their_contract(case):
    case.call_and_validate()


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_in_test_transaction")
@schema.parametrize()
@hypothesis.settings(max_examples=15, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_get_endpoints_keep_their_contract_for_staff(case, staff_token):
    case.call_and_validate(headers={"Authorization": f"Token {staff_token}"})
