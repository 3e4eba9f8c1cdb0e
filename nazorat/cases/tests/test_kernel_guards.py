"""Guards found by review: closed cases stay closed, lists and predicates agree, citizens see only the
public record, nobody approves their own work, assignments go only down the tree, bad input is a 400."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from rest_framework.test import APIClient

from nazorat import testing
from nazorat.cases import permissions, selectors, services
from nazorat.cases.kinds import CaseType, ReviewStep, registry
from nazorat.cases.models import AssignmentState, Case, WorkItem
from nazorat.orgs import services as org_services
from nazorat.orgs.models import Organisation


def letter(world, soon, **kw):
    return services.case_open(kind="letter", actor=world.controller, owner=world.region, title=kw.pop("title", "Xat"),
                              due_at=soon, territory=world.region.territory, **kw)


def test_a_cancelled_case_cannot_be_worked_on_and_leaves_nothing_open(world, soon):
    case = letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    req = services.extension_request(case=case, actor=world.a_executor, requested_due_at=a.due_at - timedelta(days=1)
                                     if False else a.due_at + timedelta(days=2), reasons="Qoʻshimcha vaqt kerak")
    services.case_transition(case=case, action="cancel", actor=world.controller)
    a.refresh_from_db()
    req.refresh_from_db()
    assert a.state == AssignmentState.CANCELLED and req.state == "withdrawn"
    assert not WorkItem.objects.open().filter(case=case).exists()
    with pytest.raises(TransitionNotAllowed):
        services.result_submit(case=case, actor=world.a_executor, text="Bajarildi")
    with pytest.raises(TransitionNotAllowed):
        services.assignment_create(case=case, actor=world.controller, organisation=world.district_b)
    case.refresh_from_db()
    assert case.status == "cancelled" and case.closed_at is not None


def test_whole_country_observer_and_chain_reviewers_see_the_case(world, soon):
    reception = testing.org(kind="peoples_reception", territory_code=None, name="Xalq qabulxonasi")
    observer = testing.staff(reception, roles=("observer",))
    case = letter(world, soon)
    assert permissions.can_view_case(observer, case)
    assert list(selectors.cases_visible_to(observer)) == [case]
    # a reviewing body outside the owner's subtree sees the case once a round waits on it
    # (a controller of a republican body sees the whole country anyway; a Cabinet reviewer does not)
    cabinet = testing.org(kind="cabinet", territory_code=None, name="Vazirlar Mahkamasi", code="test-cabinet")
    cab_reviewer = testing.staff(cabinet, roles=("reviewer",))
    kind = registry.get("test_chain") or registry.register(CaseType(
        kind="test_chain", label="Chain", number_prefix="TC", statuses={"open": "Open", "review": "Review",
                                                                          "done": "Done"},
        initial_status="open", closed_statuses=frozenset({"done"}), transitions={},
        review_chain=(ReviewStep("owner", "Owner", "control_group"),
                      ReviewStep("cabinet", "Cabinet", "reviewer",
                                 organisation=lambda c: Organisation.objects.get(code="test-cabinet"))),
        on_submitted="review", on_returned="open", on_accepted="done"))
    chain_case = services.case_open(kind=kind.kind, actor=world.controller, owner=world.region, title="Topshiriq",
                                    due_at=soon)
    assert not permissions.can_view_case(cab_reviewer, chain_case)
    services.assignment_create(case=chain_case, actor=world.controller, organisation=world.district_a)
    r1 = services.result_submit(case=chain_case, actor=world.a_executor, text="Hisobot")
    services.review_decide(review_round=r1, actor=world.controller, accept=True)
    assert permissions.can_view_case(cab_reviewer, chain_case)
    assert chain_case in selectors.cases_visible_to(cab_reviewer)
    r2 = chain_case.review_rounds.get(step=2)
    assert r2.reviewer_org == cabinet and r2.reviewer_role == "reviewer"
    services.review_decide(review_round=r2, actor=cab_reviewer, accept=True)
    chain_case.refresh_from_db()
    assert chain_case.status == "done"


def test_predicate_and_list_agree_for_everyone(world, soon):
    case = letter(world, soon)
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    people = [world.controller, world.region_head, world.region_executor, world.a_control, world.a_executor,
              world.a_head, world.b_executor, testing.citizen()]
    for person in people:
        assert permissions.can_view_case(person, case) == selectors.cases_visible_to(person).filter(pk=case.pk).exists()


def test_a_citizen_sees_only_the_public_record(world, soon):
    citizen = testing.citizen(username="fuqaro")
    case = letter(world, soon, applicant=citizen)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                   person=world.a_executor)
    req = services.extension_request(case=case, actor=world.a_executor, requested_due_at=a.due_at + timedelta(days=3),
                                     reasons="ICHKI: pudratchi kechikdi")
    services.extension_decide(request=req, actor=world.controller, grant=False, note="ICHKI: rad etildi")
    api = APIClient()
    api.force_authenticate(citizen)
    data = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert "ICHKI" not in str(data) and "assignments" not in data
    events = [e["action"] for e in api.get(f"/api/v1/cases/{case.pk}/timeline/").json()]
    assert "extension.refused" not in events and "case.opened" in events
    from django.test import Client

    web = Client()
    web.force_login(citizen)
    html = web.get(f"/cases/{case.pk}/").content.decode()
    assert "ICHKI" not in html and world.a_executor.get_full_name() not in html
    # a staff member of another district who happens to be the applicant sees no internals either
    other = letter(world, soon, applicant=world.b_executor, title="Boshqa")
    assert not selectors.sees_internals(world.b_executor, other)


def test_nobody_approves_their_own_extension_or_result(world, soon):
    case = letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.region)
    req = services.extension_request(case=case, actor=world.controller, requested_due_at=a.due_at + timedelta(days=3),
                                     reasons="Oʻzimga muddat kerak")
    with pytest.raises(PermissionDenied):
        services.extension_decide(request=req, actor=world.controller, grant=True)
    rnd = services.result_submit(case=case, actor=world.controller, text="Oʻzim bajardim")
    with pytest.raises(PermissionDenied):
        services.review_decide(review_round=rnd, actor=world.controller, accept=True)


def test_assignments_go_only_down_the_tree(world, soon):
    case = letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    for target in (world.district_b, world.region):
        with pytest.raises(ValidationError) as err:
            services.assignment_create(case=case, actor=world.a_control, organisation=target, parent=a)
        assert "organisation" in err.value.message_dict
    assert not WorkItem.objects.filter(organisation=world.district_b).exists()


def test_lead_reports_only_after_co_executors(world, soon):
    case = letter(world, soon)
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    co = services.assignment_create(case=case, actor=world.controller, organisation=world.district_b,
                                    role="co_executor")
    with pytest.raises(ValidationError):
        services.result_submit(case=case, actor=world.a_executor, text="Bajarildi")
    rnd = services.result_submit(case=case, actor=world.b_executor, text="Hissamiz", assignment=co)
    services.review_decide(review_round=rnd, actor=world.controller, accept=True)
    case.refresh_from_db()
    assert case.closed_at is None
    services.result_submit(case=case, actor=world.a_executor, text="Bajarildi")


def test_bad_deadline_rule_is_a_field_error(world):
    with pytest.raises(ValidationError) as err:
        services.case_open(kind="letter", actor=world.controller, owner=world.region, title="Xat",
                           deadline_rule="ten days")
    assert "deadline_rule" in err.value.message_dict
    assert not Case.objects.exists()
    api = APIClient()
    api.force_authenticate(world.controller)
    resp = api.post("/api/v1/cases/", {"title": "Xat", "owner": world.region.pk, "deadline_rule": "5 weeks"},
                    format="json")
    assert resp.status_code == 400 and "deadline_rule" in resp.json()


def test_a_hand_set_deadline_stores_no_rule(world, soon):
    case = letter(world, soon)
    assert case.deadline_rule == ""
    ruled = services.case_open(kind="letter", actor=world.controller, owner=world.region, title="Xat",
                               deadline_rule="10 working_days")
    assert ruled.deadline_rule == "10 working_days"


def test_an_extension_cannot_end_in_the_past(world, soon):
    case = letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    with pytest.raises(ValidationError):
        services.extension_request(case=case, actor=world.a_executor, requested_due_at=a.due_at - timedelta(days=1),
                                   reasons="Oʻtgan sanaga uzaytirish")


def test_a_person_who_leaves_hands_their_work_back_to_the_body(world, soon):
    case = letter(world, soon)
    colleague = testing.staff(world.district_a, roles=("executor",))
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                   person=world.a_executor)
    assert [i.action for i in selectors.inbox_for(colleague)] == []
    membership = world.a_executor.memberships.get(organisation=world.district_a)
    org_services.membership_end(actor=world.a_control, membership=membership)
    assert [i.action for i in selectors.inbox_for(colleague)] == ["execute"]
    a.refresh_from_db()
    assert a.person is None
    assert not permissions.can_execute(world.a_executor, a)


def test_a_review_item_has_its_own_deadline(world):
    now = timezone.now()
    case = letter(world, now + timedelta(days=20))
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    rnd = services.result_submit(case=case, actor=world.a_executor, text="Bajarildi")
    item = WorkItem.objects.get(key=f"review:{rnd.pk}")
    assert item.due_at == rnd.review_due_at and item.due_at > now
    assert item.due_at < case.due_at


def test_the_409_says_why(world, soon):
    case = letter(world, soon)
    services.case_transition(case=case, action="cancel", actor=world.controller)
    api = APIClient()
    api.force_authenticate(world.controller)
    resp = api.post(f"/api/v1/cases/{case.pk}/start/")
    assert resp.status_code == 409
    assert resp.json()["detail"] != "" and resp.json()["code"] == "transition_not_allowed"
