"""The case kernel proven on its own minimal case type, the official letter."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from nazorat.cases import selectors, services
from nazorat.cases.models import AssignmentState, Case, Verdict, WorkItem
from nazorat.core.models import Event


def open_letter(world, due, **kw):
    return services.case_open(kind="letter", actor=world.controller, owner=world.region,
                              title=kw.pop("title", "Obodonlashtirish ishlari haqida"), due_at=due,
                              territory=world.region.territory, **kw)


def test_numbers_are_sequential_per_organisation_and_year(world, soon):
    first = open_letter(world, soon)
    second = open_letter(world, soon)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.number != second.number
    assert first.number.startswith("X-")
    other = services.case_open(kind="letter", actor=world.a_control, owner=world.district_a, title="Xat", due_at=soon)
    assert other.sequence == 1  # each organisation has its own register


def test_a_failed_submission_gives_its_number_back(world, soon):
    open_letter(world, soon)
    with pytest.raises(ValidationError):
        open_letter(world, soon, title="   ")
    third = open_letter(world, soon)
    assert third.sequence == 2


def test_only_assigners_of_the_owner_open_cases(world, soon):
    with pytest.raises(PermissionDenied):
        services.case_open(kind="letter", actor=world.a_executor, owner=world.region, title="Xat", due_at=soon)
    assert not Case.objects.exists()


def test_opening_writes_a_public_event_with_actor_and_position(world, soon):
    case = open_letter(world, soon)
    ev = Event.objects.get(case_id=case.pk, action="case.opened")
    assert ev.actor == world.controller
    assert ev.actor_organisation == world.region
    assert ev.actor_position  # snapshotted position
    assert ev.is_public


def test_child_deadline_never_exceeds_parent(world, soon):
    case = open_letter(world, soon)
    lead = services.assignment_create(case=case, actor=world.controller, organisation=world.region, due_at=soon)
    with pytest.raises(ValidationError) as err:
        services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                   parent=lead, due_at=soon + timedelta(days=1))
    assert "due_at" in err.value.message_dict
    child = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                       parent=lead, due_at=soon - timedelta(days=2))
    assert child.due_at < lead.due_at
    # without a deadline, the child inherits the parent's
    child_b = services.assignment_create(case=case, actor=world.controller, organisation=world.district_b, parent=lead,
                                         role="co_executor")
    assert child_b.due_at == lead.due_at


def test_top_level_deadline_never_exceeds_the_case(world, soon):
    case = open_letter(world, soon)
    with pytest.raises(ValidationError):
        services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                   due_at=soon + timedelta(hours=1))


def test_an_executor_cannot_assign_or_pass_on(world, soon):
    case = open_letter(world, soon)
    with pytest.raises(PermissionDenied):
        services.assignment_create(case=case, actor=world.a_executor, organisation=world.district_a)
    lead = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    with pytest.raises(PermissionDenied):
        services.assignment_create(case=case, actor=world.b_executor, organisation=world.district_b, parent=lead)


def test_assignment_puts_work_in_the_executing_body_inbox(world, soon):
    case = open_letter(world, soon)
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    mine = list(selectors.inbox_for(world.a_executor))
    assert [(i.case_id, i.action) for i in mine] == [(case.pk, "execute")]
    assert list(selectors.inbox_for(world.b_executor)) == []


def test_inbox_is_ordered_by_time_left(world):
    now = timezone.now()
    late = open_letter(world, now + timedelta(days=9), title="Keyin")
    early = open_letter(world, now + timedelta(days=2), title="Oldin")
    for c in (late, early):
        services.assignment_create(case=c, actor=world.controller, organisation=world.district_a)
    assert [i.case.title for i in selectors.inbox_for(world.a_executor)] == ["Oldin", "Keyin"]


def test_a_district_does_not_see_another_districts_cases(world, soon):
    case = open_letter(world, soon)
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    other = services.case_open(kind="letter", actor=world.a_control, owner=world.district_a, title="Ichki", due_at=soon)
    assert set(selectors.cases_visible_to(world.a_executor)) == {case, other}
    assert set(selectors.cases_visible_to(world.b_executor)) == set()
    # the region sees its own case and what its districts own (subtree)
    assert set(selectors.cases_visible_to(world.controller)) == {case, other}


def test_review_return_with_reasons_and_resubmission(world, soon):
    case = open_letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    services.assignment_accept(assignment=a, actor=world.a_executor)
    r1 = services.result_submit(case=case, actor=world.a_executor, text="Bajarildi")
    case.refresh_from_db()
    assert case.status == "under_review"
    assert WorkItem.objects.open().filter(key=f"review:{r1.pk}", organisation=world.region).exists()
    with pytest.raises(ValidationError):
        services.review_decide(review_round=r1, actor=world.controller, accept=False, reasons="")
    with pytest.raises(PermissionDenied):
        services.review_decide(review_round=r1, actor=world.a_executor, accept=True)
    services.review_decide(review_round=r1, actor=world.controller, accept=False, reasons="Dalolatnoma ilova qilinmagan")
    case.refresh_from_db()
    a.refresh_from_db()
    assert case.status == "returned"
    assert a.state == AssignmentState.IN_PROGRESS
    assert [i.action for i in selectors.inbox_for(world.a_executor)] == ["rework"]
    r2 = services.result_submit(case=case, actor=world.a_executor, text="Dalolatnoma ilova qilindi")
    assert r2.number == 2
    services.review_decide(review_round=r2, actor=world.controller, accept=True)
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    assert list(case.review_rounds.values_list("number", "verdict")) == [(1, Verdict.RETURNED), (2, Verdict.ACCEPTED)]
    assert not WorkItem.objects.open().filter(case=case).exists()
    assert list(selectors.public_timeline(case).values_list("action", flat=True)).count("review.returned") == 1


def test_submitting_twice_is_a_conflict(world, soon):
    case = open_letter(world, soon)
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    services.result_submit(case=case, actor=world.a_executor, text="Bajarildi")
    with pytest.raises(TransitionNotAllowed):
        services.result_submit(case=case, actor=world.a_executor, text="Yana")


def test_nested_results_roll_up_before_the_parent_reports(world, soon):
    case = open_letter(world, soon)
    lead = services.assignment_create(case=case, actor=world.controller, organisation=world.region)
    child = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a, parent=lead)
    with pytest.raises(ValidationError):
        services.result_submit(case=case, actor=world.region_executor, text="Hisobot", assignment=lead)
    rnd = services.result_submit(case=case, actor=world.a_executor, text="Tuman hisoboti", assignment=child)
    assert rnd.reviewer_org == world.region  # the body that passed it on reviews it
    services.review_decide(review_round=rnd, actor=world.controller, accept=True)
    child.refresh_from_db()
    assert child.state == AssignmentState.DONE
    case.refresh_from_db()
    assert case.closed_at is None  # only the lead's accepted result closes the case
    services.result_submit(case=case, actor=world.region_executor, text="Viloyat hisoboti", assignment=lead)


def test_extension_only_the_controller_decides_and_both_dates_are_kept(world, soon):
    case = open_letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                   due_at=soon - timedelta(days=3))
    with pytest.raises(ValidationError):
        services.extension_request(case=case, actor=world.a_executor, requested_due_at=a.due_at + timedelta(days=5),
                                   reasons="short")
    req = services.extension_request(case=case, actor=world.a_executor, requested_due_at=a.due_at + timedelta(days=5),
                                     reasons="Pudratchi tashkilot materiallarni kechiktirdi")
    a.refresh_from_db()
    assert a.due_at == a.original_due_at  # asking changes nothing
    with pytest.raises(PermissionDenied):
        services.extension_decide(request=req, actor=world.a_executor, grant=True)
    with pytest.raises(PermissionDenied):
        services.extension_decide(request=req, actor=world.a_head, grant=True)
    services.extension_decide(request=req, actor=world.controller, grant=True, note="Asosli")
    a.refresh_from_db()
    case.refresh_from_db()
    assert a.due_at == req.requested_due_at
    assert a.original_due_at == soon - timedelta(days=3)
    assert case.due_at == a.due_at and case.original_due_at == soon
    ev = Event.objects.get(case_id=case.pk, action="extension.granted")
    assert ev.payload["old_due_at"] and ev.payload["new_due_at"]


def test_extension_refusal_needs_reasons(world, soon):
    case = open_letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a)
    req = services.extension_request(case=case, actor=world.a_executor, requested_due_at=a.due_at + timedelta(days=5),
                                     reasons="Qoʻshimcha oʻrganish talab etiladi")
    with pytest.raises(ValidationError):
        services.extension_decide(request=req, actor=world.controller, grant=False)
    services.extension_decide(request=req, actor=world.controller, grant=False, note="Muddat yetarli")
    a.refresh_from_db()
    assert a.due_at == a.original_due_at


def test_overdue_is_derived_from_deadline_and_state(world):
    now = timezone.now()
    case = open_letter(world, now + timedelta(hours=2))
    assert not case.is_overdue()
    assert case.is_overdue(now + timedelta(hours=3))
    assert list(Case.objects.overdue(now + timedelta(hours=3))) == [case]
    services.case_transition(case=case, action="cancel", actor=world.controller)
    case.refresh_from_db()
    assert not case.is_overdue(now + timedelta(hours=3))  # closed cases are never overdue


def test_transition_not_in_the_table_is_refused(world, soon):
    case = open_letter(world, soon)
    with pytest.raises(TransitionNotAllowed):
        services.case_transition(case=case, action="close", actor=world.controller)
    services.case_transition(case=case, action="cancel", actor=world.controller)
    with pytest.raises(TransitionNotAllowed):
        services.case_transition(case=case, action="start", actor=world.controller)


def test_timed_steps_record_lateness(world, soon):
    case = open_letter(world, soon)
    a = services.assignment_create(
        case=case, actor=world.controller, organisation=world.district_a,
        steps=[services.StepSpec("register", "30 working_minutes")],
    )
    step = a.steps.get()
    assert WorkItem.objects.open().filter(key=f"step:{step.pk}", action="register").exists()
    done = services.step_complete(assignment=a, code="register", actor=world.a_control)
    assert done.done_at and not done.is_late
    ev = Event.objects.get(action="assignment.step_register")
    assert ev.payload["late"] is False
