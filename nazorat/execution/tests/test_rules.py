"""The rules of execution control (issue 4 "Tests that must exist"; legal-rules §9 rules 18–23), through the
services: step clocks in working time, child deadlines, the chain of reviewers with a return, removal only by the
last reviewer, extensions decided only by the controller, six-monthly progress reports, confirmed reports with
supporting documents, and who puts a task on control.

Times are Tashkent wall-clock. Office hours 09:00–18:00 with lunch 13:00–14:00 not counted; the working day before
a holiday ends an hour early (Labour Code Art 187); "N working_days" ends at the end of the N-th working day
(docs/calendar.md). 2026 days off used here: Fri 20 Mar (Ramazon hayit), Sat 21 Mar (Navroʻz) and Mon 23 Mar (its
moved rest day); Mon 31 Aug (decree day) and Tue 1 Sep (Independence Day).
"""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from nazorat.cases import services as case_services
from nazorat.cases.models import Assignment, AssignmentStep, ExtensionRequest, ReviewRound, WorkItem
from nazorat.core.models import Event
from nazorat.execution import kinds, selectors, services
from nazorat.execution.models import ExecutionReport, ProgressReport, ReviewChainStep
from nazorat.workcalendar.calendar import calendar_for

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

_numbers = iter(range(100, 10_000))


def travel(moment: str):
    return time_machine.travel(at(moment), tick=False)


def on_control(world, *, due_on=date(2026, 6, 30), deadline_kind="date", period="", executors=None, actor=None):
    """A MoJ document with one task put on control, the region hokimlik as the lead. Returns (task, lead)."""
    doc = world.document(number=f"PQ-{next(_numbers)}", actor=actor)
    task = world.task(doc, due_on=due_on, deadline_kind=deadline_kind, period=period, actor=actor)
    services.task_put_on_control(task=task, actor=actor or world.moj_ctl,
                                 executors=executors or [{"organisation": world.region, "role": "lead"}])
    task.case.refresh_from_db()
    lead = Assignment.objects.get(case=task.case, parent=None, role="lead")
    return task, lead


def report_up(assignment, *, writer, confirmer, text="Bajarildi: 3 ta quduq qazildi, dalolatnomalar ilova.",
              name="hisobot.pdf"):
    """The executor writes a report with a supporting document, the head confirms it: the pending round."""
    report = services.report_write(assignment=assignment, actor=writer, text=text, uploads=[pdf(name)])
    services.report_confirm(report=report, actor=confirmer)
    return ReviewRound.objects.get(assignment=assignment, verdict="pending")


def pending(assignment):
    return ReviewRound.objects.get(assignment=assignment, verdict="pending")


def steps_of(assignment) -> dict[str, AssignmentStep]:
    return {s.code: s for s in AssignmentStep.objects.filter(assignment=assignment)}


# --- rule 20: the step clocks in working time ----------------------------------------------------------------

def test_the_2026_calendar_this_file_relies_on(world):
    cal = calendar_for(world.region)
    for day in (date(2026, 3, 20), date(2026, 3, 21), date(2026, 3, 23), date(2026, 8, 31), date(2026, 9, 1)):
        assert cal.is_holiday(day) and not cal.is_working_day(day), day
    assert cal.is_pre_holiday(date(2026, 3, 19)) and cal.is_pre_holiday(date(2026, 8, 28))
    assert not cal.is_pre_holiday(date(2026, 4, 10)) and cal.is_working_day(date(2026, 4, 13))


@pytest.mark.parametrize("put_at, register_due, name_due, plan_due", [
    # Friday 17:50: 10 minutes left on Friday, 20 on Monday; one working day (480 working minutes) = Monday
    # 17:50 (lunch 13–14 excluded); 3 working days = end of Wednesday.
    ("2026-04-10 17:50", "2026-04-13 09:20", "2026-04-13 17:50", "2026-04-15"),
    # Thursday 19 March closes at 17:00 (pre-holiday): 10 minutes, then Fri 20 (hayit), Sat 21 (Navroʻz), Sun,
    # Mon 23 (Navroʻz moved) are skipped: Tuesday 24 March 09:20; 3 working days: 24, 25, 26 March.
    ("2026-03-19 16:50", "2026-03-24 09:20", "2026-03-24 17:50", "2026-03-26"),
    # Friday 28 August closes at 17:00: 15 minutes, then Sat, Sun, Mon 31 Aug (decree), Tue 1 Sep (Independence).
    ("2026-08-28 16:45", "2026-09-02 09:15", "2026-09-02 17:45", "2026-09-04"),
])
def test_step_clocks_run_in_working_time_across_weekends_and_holidays(world, put_at, register_due, name_due,
                                                                      plan_due):
    with travel(put_at):
        task, lead = on_control(world, due_on=date(2026, 12, 25))
        steps = steps_of(lead)
        assert steps["register"].due_at == at(register_due)
        assert steps["name_executor"].due_at == at(name_due)
        assert steps["approve_plan"].due_at == at(f"{plan_due} 23:59:59.999999")
        # The receiving body's work items carry the same clocks.
        items = {w.action: w.due_at for w in WorkItem.objects.open().filter(assignment=lead, key__startswith="step:")}
        assert items == {code: s.due_at for code, s in steps.items()}
        # The body a region passes the task on to gets its own clocks from the same moment.
        child = services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district,
                                      due_at=date(2026, 12, 1))
        assert steps_of(child)["register"].due_at == at(register_due)


def test_step_lateness_is_recorded(world):
    with travel("2026-04-10 17:50"):
        task, lead = on_control(world, due_on=date(2026, 12, 25))
    with travel("2026-04-13 09:45"):  # register was due at 09:20
        assert steps_of(lead)["register"].is_late  # derived while still undone
        services.assignment_register(assignment=lead, actor=world.cg)
    with travel("2026-04-13 10:00"):
        services.assignment_name_executor(assignment=lead, actor=world.cg, person=world.region_exec)
    with travel("2026-04-16 10:00"):  # the plan was due by the end of Wednesday 15 April
        plan = services.plan_save(document=task.document, organisation=world.region, actor=world.cg,
                                  rows=[{"task": task.pk, "text": "1. Suv taʼminoti", "mechanism": "Tuman rejalari",
                                         "deadline": "25.12.2026", "executors": "Tuman hokimlari"}])
        services.plan_approve(plan=plan, actor=world.governor)

    steps = steps_of(lead)
    assert steps["register"].done_at == at("2026-04-13 09:45") and steps["register"].is_late
    assert steps["name_executor"].done_at == at("2026-04-13 10:00") and not steps["name_executor"].is_late
    assert steps["approve_plan"].is_late
    late = {e.payload["step"]: e.payload["late"]
            for e in Event.objects.filter(case_id=task.pk, action__startswith="assignment.step_")}
    assert late == {"register": True, "name_executor": False, "approve_plan": True}
    assert not WorkItem.objects.open().filter(assignment=lead, key__startswith="step:").exists()


# --- R-A2: child deadlines, co-executors, the cascade only downwards -------------------------------------------

def test_child_deadline_later_than_the_parents_is_refused_and_equal_is_accepted(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world, due_on=date(2026, 6, 30))
        assert lead.due_at == at("2026-06-30 18:00")
        for later in (date(2026, 7, 1), at("2026-06-30 18:01")):
            with pytest.raises(ValidationError) as exc:
                services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district, due_at=later)
            assert "due_at" in exc.value.message_dict
        assert not Assignment.objects.filter(parent=lead).exists()

        child = services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district,
                                      due_at=date(2026, 6, 30))
        assert child.due_at == lead.due_at
        # …and the district cannot give itself more time by passing on further either.
        with pytest.raises(ValidationError):
            case_services.assignment_create(case=task.case, actor=world.d_cg, organisation=world.district,
                                            parent=child, due_at=at("2026-07-15 18:00"))


def test_a_co_executors_deadline_later_than_the_tasks_is_refused_at_put_on_control(world):
    with travel("2026-03-02 09:00"):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 6, 30))
        with pytest.raises(ValidationError) as exc:
            services.task_put_on_control(task=task, actor=world.moj_ctl, executors=[
                {"organisation": world.region, "role": "lead"},
                {"organisation": world.reception, "role": "co_executor", "due_at": date(2026, 7, 1)}])
        assert "due_at" in exc.value.message_dict
        task.case.refresh_from_db()
        assert task.case.status == kinds.REGISTERED
        assert not Assignment.objects.filter(case=task.case).exists()

        services.task_put_on_control(task=task, actor=world.moj_ctl, executors=[
            {"organisation": world.region, "role": "lead"},
            {"organisation": world.reception, "role": "co_executor", "due_at": date(2026, 6, 30)}])
        co = Assignment.objects.get(case=task.case, role="co_executor")
        assert co.due_at == at("2026-06-30 18:00") == task.case.due_at


def test_a_task_is_passed_on_only_to_bodies_under_the_receiving_body(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
        for outsider in (world.reception, world.moj, world.region):  # not under the region (or the region itself)
            with pytest.raises(ValidationError) as exc:
                services.task_pass_on(assignment=lead, actor=world.cg, organisation=outsider, due_at=date(2026, 6, 1))
            assert "organisation" in exc.value.message_dict
        child = services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district,
                                      due_at=date(2026, 6, 1))
        with pytest.raises(ValidationError):  # a district cannot pass on to its neighbour
            services.task_pass_on(assignment=child, actor=world.d_cg, organisation=world.other_district,
                                  due_at=date(2026, 5, 1))
        assert Assignment.objects.filter(case=task.case).count() == 2


# --- R-A5, rule 18: the chain of reviewers -------------------------------------------------------------------

def test_review_chain_with_a_return_and_a_resubmission(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
    with travel("2026-05-04 10:00"):
        r1 = report_up(lead, writer=world.region_exec, confirmer=world.governor)
        assert (r1.number, r1.step, r1.reviewer_org) == (1, 1, world.moj)
        for empty in ("", "   ", "no"):
            with pytest.raises(ValidationError) as exc:
                services.task_review(review_round=r1, actor=world.moj_ctl, accept=False, reasons=empty)
            assert "reasons" in exc.value.message_dict
        assert pending(lead) == r1

        services.task_review(review_round=r1, actor=world.moj_ctl, accept=False,
                             reasons="Dalolatnomalar imzolanmagan, qayta ishlang.")
        task.case.refresh_from_db()
        lead.refresh_from_db()
        assert task.case.status == kinds.RETURNED
        assert lead.state == "in_progress"  # back with the executor
        rework = WorkItem.objects.open().get(assignment=lead, action="rework")
        assert rework.organisation == world.region and rework.due_at == lead.due_at
        returned = ReviewRound.objects.get(pk=r1.pk)
        assert returned.verdict == "returned" and returned.reasons.startswith("Dalolatnomalar")
        assert Event.objects.filter(case_id=task.pk, action="review.returned").count() == 1

    with travel("2026-05-06 10:00"):
        r2 = report_up(lead, writer=world.region_exec, confirmer=world.first_deputy,
                       text="Kamchiliklar bartaraf etildi, imzolangan dalolatnomalar ilova.", name="qayta.pdf")
        assert (r2.number, r2.step, r2.reviewer_org) == (2, 1, world.moj)  # back to step 1 of the chain
        task.case.refresh_from_db()
        assert task.case.status == kinds.REPORTED
        assert not WorkItem.objects.open().filter(assignment=lead, action="rework").exists()
        for reviewer in (world.moj_ctl, world.cabinet_ctl, world.chamber_ctl):
            services.task_review(review_round=pending(lead), actor=reviewer, accept=True)

    rounds = [(r.number, r.step, r.verdict) for r in selectors.rounds_of(task)]
    assert rounds == [(1, 1, "returned"), (2, 1, "accepted"), (2, 2, "accepted"), (2, 3, "accepted")]
    assert ExecutionReport.objects.filter(task=task, state="confirmed").count() == 2  # both reports kept
    done = Event.objects.get(case_id=task.pk, action="assignment.completed")
    assert done.payload["rounds"] == 2
    task.case.refresh_from_db()
    assert task.case.status == kinds.REMOVED


def test_only_the_last_reviewer_of_the_national_chain_removes_from_control(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
    with travel("2026-05-04 10:00"):
        r1 = report_up(lead, writer=world.region_exec, confirmer=world.governor)
        with pytest.raises(PermissionDenied):
            services.task_review(review_round=r1, actor=world.cabinet_ctl, accept=True)
        services.task_review(review_round=r1, actor=world.moj_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REPORTED and task.case.closed_at is None

        r2 = pending(lead)
        assert (r2.step, r2.reviewer_org) == (2, world.cabinet)
        with pytest.raises(PermissionDenied):
            services.task_review(review_round=r2, actor=world.moj_ctl, accept=True)
        services.task_review(review_round=r2, actor=world.cabinet_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REPORTED and task.case.closed_at is None

        r3 = pending(lead)
        assert (r3.step, r3.reviewer_org) == (3, world.chamber)
        for outsider in (world.cabinet_ctl, world.moj_ctl, world.cg):
            with pytest.raises(PermissionDenied):
                services.task_review(review_round=r3, actor=outsider, accept=True)
        assert ReviewRound.objects.get(pk=r3.pk).verdict == "pending"
        services.task_review(review_round=r3, actor=world.chamber_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REMOVED and task.case.closed_at is not None


def test_hokimlik_chain_control_group_then_first_deputy_then_head(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world, actor=world.cg,
                                executors=[{"organisation": world.district, "role": "lead"}])
        assert task.case.owner == world.region
    with travel("2026-05-04 10:00"):
        r1 = report_up(lead, writer=world.d_exec, confirmer=world.d_head)
        assert (r1.step_code, r1.reviewer_org) == ("control_group", world.region)
        services.task_review(review_round=r1, actor=world.cg, accept=True)

        r2 = pending(lead)
        assert (r2.step_code, r2.reviewer_position) == ("first_deputy", "first_deputy")
        # addressed to the one holder of the position
        assert WorkItem.objects.open().get(key=f"review:{r2.pk}").person == world.first_deputy
        for outsider in (world.cg, world.governor):
            with pytest.raises(PermissionDenied):
                services.task_review(review_round=r2, actor=outsider, accept=True)
        services.task_review(review_round=r2, actor=world.first_deputy, accept=True)
        task.case.refresh_from_db()
        assert task.case.closed_at is None, "the first deputy's acceptance does not remove from control"

        r3 = pending(lead)
        assert (r3.step_code, r3.reviewer_position) == ("head", "head")
        for outsider in (world.first_deputy, world.cg):
            with pytest.raises(PermissionDenied):
                services.task_review(review_round=r3, actor=outsider, accept=True)
        services.task_review(review_round=r3, actor=world.governor, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REMOVED and task.case.closed_at is not None


def test_a_configured_chain_overrides_the_default(world):
    ReviewChainStep.objects.create(controller=world.moj, order=1, code="justice", label="Adliya vazirligi",
                                   role="controller")
    ReviewChainStep.objects.create(controller=world.moj, order=2, code="accounts_chamber", label="Hisob palatasi",
                                   organisation=world.chamber, role="controller")
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
    with travel("2026-05-04 10:00"):
        r1 = report_up(lead, writer=world.region_exec, confirmer=world.governor)
        assert (r1.step_code, r1.reviewer_org) == ("justice", world.moj)
        services.task_review(review_round=r1, actor=world.moj_ctl, accept=True)
        r2 = pending(lead)
        assert (r2.step, r2.step_code, r2.reviewer_org) == (2, "accounts_chamber", world.chamber)  # no Cabinet
        with pytest.raises(PermissionDenied):
            services.task_review(review_round=r2, actor=world.cabinet_ctl, accept=True)
        services.task_review(review_round=r2, actor=world.chamber_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REMOVED
        assert not ReviewRound.objects.filter(case=task.case, reviewer_org=world.cabinet).exists()
        assert ReviewRound.objects.filter(case=task.case).count() == 2


# --- R-A6, rule 19: extensions -------------------------------------------------------------------------------

def test_no_execution_service_lets_anyone_set_their_own_deadline(world):
    import inspect

    public = {name: fn for name, fn in inspect.getmembers(services, inspect.isfunction)
              if fn.__module__ == services.__name__ and not name.startswith("_")}
    takes_deadline = {name for name, fn in public.items()
                      if {"due_at", "due_on", "deadline"} & set(inspect.signature(fn).parameters)}
    # a deadline for the body below, or the controller's for the executors it names — never for one's own
    assert takes_deadline == {"task_pass_on", "task_add_executor"}
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
        with pytest.raises(ValidationError):  # passing it "on" to itself with more time
            services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.region, due_at=date(2026, 7, 31))
        with pytest.raises(PermissionDenied):  # giving the case to itself as the controller would
            case_services.assignment_create(case=task.case, actor=world.cg, organisation=world.district,
                                            due_at=at("2026-07-31 18:00"))
    lead.refresh_from_db()
    assert lead.due_at == at("2026-06-30 18:00")


def test_extension_asked_with_reasons_decided_only_by_the_controller_keeping_both_dates(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world, due_on=date(2026, 6, 30))
    with travel("2026-06-01 10:00"):
        with pytest.raises(ValidationError) as exc:
            services.extension_request(assignment=lead, actor=world.cg, requested_due_on=date(2026, 7, 31),
                                       reasons="Kerak")
        assert "reasons" in exc.value.message_dict
        with pytest.raises(PermissionDenied):  # only the executing body asks
            services.extension_request(assignment=lead, actor=world.pop_exec, requested_due_on=date(2026, 7, 31),
                                       reasons="Pudratchi ishni kechiktirdi, qoʻshimcha vaqt kerak.")
        assert not ExtensionRequest.objects.exists()
        request = services.extension_request(assignment=lead, actor=world.cg, requested_due_on=date(2026, 7, 31),
                                             reasons="Pudratchi ishni kechiktirdi, qoʻshimcha vaqt kerak.")
        assert (request.old_due_at, request.requested_due_at) == (at("2026-06-30 18:00"), at("2026-07-31 18:00"))

        # the executor (the requester, its own body, its head) and other controllers cannot decide
        for refused in (world.cg, world.region_exec, world.governor, world.cabinet_ctl, world.d_head):
            with pytest.raises(PermissionDenied):
                case_services.extension_decide(request=request, actor=refused, grant=True)
        request.refresh_from_db()
        lead.refresh_from_db()
        assert request.state == "pending" and lead.due_at == at("2026-06-30 18:00")

        case_services.extension_decide(request=request, actor=world.moj_ctl, grant=True,
                                       note="Asosli, muddat uzaytirildi.")
    request.refresh_from_db()
    lead.refresh_from_db()
    task.case.refresh_from_db()
    assert request.state == "granted" and request.decided_by == world.moj_ctl
    assert (request.old_due_at, request.granted_due_at) == (at("2026-06-30 18:00"), at("2026-07-31 18:00"))
    assert (lead.original_due_at, lead.due_at) == (at("2026-06-30 18:00"), at("2026-07-31 18:00"))
    assert (task.case.original_due_at, task.case.due_at) == (at("2026-06-30 18:00"), at("2026-07-31 18:00"))
    history = Event.objects.get(case_id=task.pk, action="extension.granted")
    assert datetime.fromisoformat(history.payload["old_due_at"]) == at("2026-06-30 18:00")
    assert datetime.fromisoformat(history.payload["new_due_at"]) == at("2026-07-31 18:00")


def test_a_region_cannot_decide_the_national_leads_extension_even_after_passing_it_on(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world, due_on=date(2026, 6, 30))
        child = services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district,
                                      due_at=date(2026, 6, 1))
    with travel("2026-05-04 10:00"):
        up = services.extension_request(assignment=lead, actor=world.region_exec, requested_due_on=date(2026, 7, 31),
                                        reasons="Tumanlardan maʼlumot kechikmoqda.")
        for refused in (world.governor, world.first_deputy, world.cg, world.d_head):
            with pytest.raises(PermissionDenied):
                case_services.extension_decide(request=up, actor=refused, grant=False, note="Rad etildi.")
        # The district's own request is decided by the body that set its deadline, within the region's own.
        down = services.extension_request(assignment=child, actor=world.d_exec, requested_due_on=date(2026, 6, 19),
                                          reasons="Qoʻshimcha quduq qazish kerak.")
        with pytest.raises(PermissionDenied):
            case_services.extension_decide(request=down, actor=world.d_head, grant=True)
        case_services.extension_decide(request=down, actor=world.governor, grant=True)
    child.refresh_from_db()
    assert (child.original_due_at, child.due_at) == (at("2026-06-01 18:00"), at("2026-06-19 18:00"))
    assert ExtensionRequest.objects.get(pk=up.pk).state == "pending"


# --- R-A7, rule 21: progress reports -------------------------------------------------------------------------

@pytest.mark.parametrize("deadline_kind, due_on, period, needs", [
    ("none", None, "", True),
    ("date", date(2027, 4, 12), "", True),   # 13 months away
    ("date", date(2027, 3, 12), "", True),   # exactly a year away
    ("date", date(2027, 2, 12), "", False),  # 11 months away
    ("date", date(2026, 6, 12), "", False),  # 3 months away
    ("periodic", None, "quarterly", True),
])
def test_which_tasks_need_progress_reports(world, deadline_kind, due_on, period, needs):
    with travel("2026-03-12 10:00"):
        task, lead = on_control(world, deadline_kind=deadline_kind, due_on=due_on, period=period)
    task.refresh_from_db()
    assert task.needs_progress_reports is needs
    assert ProgressReport.objects.filter(task=task).exists() is needs


def _progress_item(report):
    return WorkItem.objects.get(key=f"progress:{report.pk}")


@pytest.mark.parametrize("deadline_kind, due_on", [("none", None), ("date", date(2027, 4, 12))])
def test_six_monthly_progress_reports_are_scheduled_chased_and_overdue_when_missed(world, deadline_kind, due_on):
    with travel("2026-03-12 10:00"):  # Thursday
        task, lead = on_control(world, deadline_kind=deadline_kind, due_on=due_on)
        first = ProgressReport.objects.get(task=task)
        # 12 March + 6 months = Saturday 12 September → Monday 14 September, end of the day's work
        assert (first.sequence, first.organisation) == (1, world.region)
        assert (first.period_start, first.period_end) == (date(2026, 3, 12), date(2026, 9, 11))
        assert first.due_at == at("2026-09-14 18:00")
        item = _progress_item(first)
        assert (item.action, item.organisation, item.due_at, item.closed_at) == (
            "progress_report", world.region, first.due_at, None)
        assert services.sweep_progress_reports() == 0  # nothing new before six months pass

    with travel("2026-09-11 10:00"):
        assert services.sweep_progress_reports() == 0
    with travel("2026-09-15 10:00"):  # report 1 was due yesterday at 18:00 and not entered
        assert services.sweep_progress_reports() == 1
        assert services.sweep_progress_reports() == 0  # idempotent
        first.refresh_from_db()
        assert first.is_overdue
        overdue = WorkItem.objects.open().filter(action="progress_report", organisation=world.region,
                                                 due_at__lt=at("2026-09-15 10:00"))
        assert list(overdue) == [_progress_item(first)]
        reports = list(ProgressReport.objects.filter(task=task).order_by("sequence"))
        assert [r.sequence for r in reports] == [1, 2]
        second = reports[1]
        assert (second.period_start, second.period_end) == (date(2026, 9, 12), date(2027, 3, 11))
        assert second.due_at == at("2027-03-12 18:00")
        assert not second.is_overdue

        services.progress_submit(report=first, actor=world.region_exec,
                                 text="Birinchi yarim yillikda 12 ta quduq qazildi.")
        first.refresh_from_db()
        assert first.submitted_at == at("2026-09-15 10:00") and first.was_late and not first.is_overdue
        assert _progress_item(first).closed_at is not None
        assert _progress_item(second).closed_at is None
        assert Event.objects.get(action="progress.submitted", case_id=task.pk).payload["late"] is True


def test_a_quarterly_task_reports_every_three_months(world):
    with travel("2026-03-12 10:00"):
        task, lead = on_control(world, deadline_kind="periodic", period="quarterly", due_on=None)
        first = ProgressReport.objects.get(task=task)
        assert (first.period_end, first.due_at) == (date(2026, 6, 11), at("2026-06-12 18:00"))
    with travel("2026-06-12 09:00"):
        assert services.sweep_progress_reports() == 1
        assert services.sweep_progress_reports() == 0
    with travel("2026-09-12 09:00"):
        services.sweep_progress_reports()
        services.sweep_progress_reports()
    reports = list(ProgressReport.objects.filter(task=task).order_by("sequence"))
    assert [(r.sequence, r.period_start, r.period_end, r.due_at) for r in reports] == [
        (1, date(2026, 3, 12), date(2026, 6, 11), at("2026-06-12 18:00")),
        (2, date(2026, 6, 12), date(2026, 9, 11), at("2026-09-14 18:00")),  # Saturday → Monday
        (3, date(2026, 9, 12), date(2026, 12, 11), at("2026-12-12 18:00")),  # a worked Saturday in 2026
    ]
    assert WorkItem.objects.filter(action="progress_report", case=task.case).count() == 3


def test_a_task_with_a_near_deadline_gets_no_progress_reports_from_the_sweep(world):
    with travel("2026-03-12 10:00"):
        task, lead = on_control(world, due_on=date(2026, 6, 12))
    with travel("2026-09-20 10:00"):
        services.sweep_progress_reports()
    assert not ProgressReport.objects.filter(task=task).exists()
    assert not WorkItem.objects.filter(action="progress_report").exists()


@pytest.mark.parametrize("ending", ["withdrawn", "removed"])
def test_a_task_off_control_is_no_longer_chased_for_progress_reports(world, ending):
    with travel("2026-03-12 10:00"):
        task, lead = on_control(world, deadline_kind="none", due_on=None)
        first = ProgressReport.objects.get(task=task)
    with travel("2026-05-04 10:00"):
        if ending == "withdrawn":
            services.task_withdraw(task=task, actor=world.moj_ctl, reason="Hujjat oʻz kuchini yoʻqotdi.")
        else:
            report_up(lead, writer=world.region_exec, confirmer=world.governor)
            for reviewer in (world.moj_ctl, world.cabinet_ctl, world.chamber_ctl):
                services.task_review(review_round=pending(lead), actor=reviewer, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == (kinds.WITHDRAWN if ending == "withdrawn" else kinds.REMOVED)
        assert _progress_item(first).closed_at is not None
    with travel("2026-09-20 10:00"):
        assert services.sweep_progress_reports() == 0
    assert ProgressReport.objects.filter(task=task).count() == 1
    assert not WorkItem.objects.open().filter(case=task.case).exists()


# --- rule 22: reports with supporting documents, confirmed by the head or first deputy -------------------------

def test_a_report_needs_supporting_documents_and_the_heads_confirmation_before_it_goes_up(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
    with travel("2026-05-04 10:00"):
        with pytest.raises(ValidationError) as exc:
            services.report_write(assignment=lead, actor=world.region_exec, text="Bajarildi, hammasi joyida.")
        assert "files" in exc.value.message_dict
        assert not ExecutionReport.objects.exists()

        report = services.report_write(assignment=lead, actor=world.region_exec, text="Bajarildi, hammasi joyida.",
                                       uploads=[pdf()])
        assert report.state == "draft" and report.attachments.count() == 1
        assert not ReviewRound.objects.filter(case=task.case).exists()  # nothing reaches the chain yet
        task.case.refresh_from_db()
        assert task.case.status == kinds.ON_CONTROL
        for refused in (world.region_exec, world.cg, world.moj_ctl, world.d_head):
            with pytest.raises(PermissionDenied):
                services.report_confirm(report=report, actor=refused)
        assert ExecutionReport.objects.get(pk=report.pk).state == "draft"
        assert not ReviewRound.objects.filter(case=task.case).exists()

        services.report_confirm(report=report, actor=world.first_deputy, note="Tasdiqlayman.")
        report.refresh_from_db()
        assert report.state == "confirmed" and report.confirmed_by == world.first_deputy
        assert report.confirmer_title == "Birinchi oʻrinbosar"
        rnd = ReviewRound.objects.get(case=task.case)
        assert (rnd.reviewer_org, rnd.verdict) == (world.moj, "pending") and report.review_round == rnd
        assert rnd.attachments.count() == 1
        task.case.refresh_from_db()
        assert task.case.status == kinds.REPORTED


def test_the_head_can_confirm_too_and_a_sent_back_draft_never_goes_up(world):
    with travel("2026-03-02 09:00"):
        task, lead = on_control(world)
    with travel("2026-05-04 10:00"):
        draft = services.report_write(assignment=lead, actor=world.region_exec, text="Qisman bajarildi hozircha.",
                                      uploads=[pdf()])
        with pytest.raises(ValidationError):
            services.report_send_back(report=draft, actor=world.governor, note="")
        services.report_send_back(report=draft, actor=world.governor, note="Raqamlarni aniqlashtiring.")
        assert not ReviewRound.objects.filter(case=task.case).exists()
        again = services.report_write(assignment=lead, actor=world.region_exec,
                                      text="Toʻliq bajarildi, raqamlar bilan.", uploads=[pdf()])
        services.report_confirm(report=again, actor=world.governor)
        assert ReviewRound.objects.filter(case=task.case).count() == 1


# --- rule 19: only the controller puts on control, with exactly one lead ----------------------------------------

def test_only_the_controller_puts_a_task_on_control(world):
    with travel("2026-03-02 09:00"):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 6, 30))
        for refused in (world.cg, world.governor, world.cabinet_ctl, world.region_exec):
            with pytest.raises(PermissionDenied):
                services.task_put_on_control(task=task, actor=refused,
                                             executors=[{"organisation": world.region, "role": "lead"}])
        task.case.refresh_from_db()
        assert task.case.status == kinds.REGISTERED
        assert not Assignment.objects.filter(case=task.case).exists()
        services.task_put_on_control(task=task, actor=world.moj_ctl,
                                     executors=[{"organisation": world.region, "role": "lead"}])
        task.case.refresh_from_db()
        assert task.case.status == kinds.ON_CONTROL


@pytest.mark.parametrize("roles", [
    [],
    ["co_executor"],
    ["co_executor", "co_executor"],
    ["lead", "lead"],
])
def test_put_on_control_needs_exactly_one_lead(world, roles):
    bodies = [world.region, world.reception]
    with travel("2026-03-02 09:00"):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 6, 30))
        with pytest.raises(ValidationError) as exc:
            services.task_put_on_control(task=task, actor=world.moj_ctl, executors=[
                {"organisation": body, "role": role} for body, role in zip(bodies, roles)])
        assert "executors" in exc.value.message_dict
        task.case.refresh_from_db()
        assert task.case.status == kinds.REGISTERED
        assert not Assignment.objects.filter(case=task.case).exists()


def test_the_same_body_cannot_be_named_twice(world):
    with travel("2026-03-02 09:00"):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 6, 30))
        with pytest.raises(ValidationError) as exc:
            services.task_put_on_control(task=task, actor=world.moj_ctl, executors=[
                {"organisation": world.region, "role": "lead"}, {"organisation": world.region,
                                                                  "role": "co_executor"}])
        assert "executors" in exc.value.message_dict


def test_a_date_deadline_ends_with_the_day_s_work_an_hour_earlier_before_a_holiday(world):
    """Friday 28 August 2026 precedes the Independence Day holidays: its work ends at 17:00, not 18:00; a
    deadline on a Sunday moves to Monday's end of work."""
    assert services.end_of_working_day(date(2026, 8, 28), world.region) == at("2026-08-28 17:00")
    assert services.end_of_working_day(date(2026, 4, 12), world.region) == at("2026-04-13 18:00")


def test_a_task_arriving_after_the_plan_was_approved_reopens_the_plan(world):
    """The region approved its plan for the document; a second task of the same document arrives later: the
    plan is revised (the approved rows kept in the event) and approved again, completing the new step."""
    from nazorat.core.models import Event
    from nazorat.execution.models import ControlPlan

    with travel("2026-04-06 10:00"):
        doc = world.document()
        first = world.task(doc, due_on=date(2026, 9, 30))
        services.task_put_on_control(task=first, actor=world.moj_ctl,
                                     executors=[{"organisation": world.region, "role": "lead"}])
        row = {"task": first.pk, "text": "1. Suv", "mechanism": "Reja", "deadline": "30.09.2026",
               "executors": "Tumanlar"}
        plan = services.plan_save(document=doc, organisation=world.region, actor=world.cg, rows=[row])
        services.plan_approve(plan=plan, actor=world.governor)
        second = world.task(doc, item="2", due_on=date(2026, 10, 30))
        services.task_put_on_control(task=second, actor=world.moj_ctl,
                                     executors=[{"organisation": world.region, "role": "lead"}])
        lead2 = Assignment.objects.get(case=second.case, parent=None)
        assert services.plan_needs_revision(ControlPlan.objects.get(pk=plan.pk))
        services.plan_save(document=doc, organisation=world.region, actor=world.cg, rows=[
            row, {"task": second.pk, "text": "2. Yana", "mechanism": "Reja", "deadline": "30.10.2026",
                  "executors": "Tumanlar"}])
        revised = Event.objects.filter(action="plan.revised").latest("id")
        assert revised.payload["previous_rows"][0]["text"] == "1. Suv"
        services.plan_approve(plan=plan, actor=world.first_deputy)
        assert steps_of(lead2)["approve_plan"].done_at is not None
        second.case.refresh_from_db()
        assert second.case.status == kinds.IN_PROGRESS


def test_a_top_level_co_executor_reports_to_the_lead_body_not_to_the_chain(world):
    with travel("2026-04-06 10:00"):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 9, 30))
        services.task_put_on_control(task=task, actor=world.moj_ctl, executors=[
            {"organisation": world.region, "role": "lead"}, {"organisation": world.district, "role": "co_executor"}])
        co = Assignment.objects.get(case=task.case, organisation=world.district)
        rep = services.report_write(assignment=co, actor=world.d_exec, text="Tuman qismi bajarildi.", uploads=[pdf()])
        services.report_confirm(report=rep, actor=world.d_head)
        rnd = ReviewRound.objects.get(assignment=co, verdict="pending")
        assert rnd.reviewer_org == world.region and len(rnd.chain) == 1
        services.task_review(review_round=rnd, actor=world.cg, accept=True)
        lead = Assignment.objects.get(case=task.case, organisation=world.region)
        from nazorat.execution import selectors

        assert list(selectors.child_reports(lead)) == [rep]


def test_a_chain_reconfigured_during_review_does_not_change_who_removes_the_task(world):
    from nazorat.execution.models import ReviewChainStep

    with travel("2026-04-06 10:00"):
        task, lead = on_control(world, due_on=date(2026, 9, 30))
        rep = services.report_write(assignment=lead, actor=world.region_exec, text="Bajarildi, hujjatlar ilova.",
                                    uploads=[pdf()])
        services.report_confirm(report=rep, actor=world.governor)
        services.task_review(review_round=pending(lead), actor=world.moj_ctl, accept=True)
        # the administrator shortens the Ministry's chain while the Cabinet holds the report
        ReviewChainStep.objects.create(controller=world.moj, order=1, code="justice", label="Adliya", role="controller")
        services.task_review(review_round=pending(lead), actor=world.cabinet_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.closed_at is None and pending(lead).reviewer_org == world.chamber


def test_one_person_cannot_decide_two_steps_of_the_same_submission(world):
    """The hokimlik chain: a first deputy who is also in the control group accepts step 1 but may not accept
    the first-deputy step of the same report too."""
    with travel("2026-04-06 10:00"):
        doc = world.document(number="45-f", actor=world.cg, issuer=world.region.pk)
        task = world.task(doc, due_on=date(2026, 9, 30), actor=world.cg)
        services.task_put_on_control(task=task, actor=world.cg,
                                     executors=[{"organisation": world.district, "role": "lead"}])
        lead = Assignment.objects.get(case=task.case, parent=None)
        rep = services.report_write(assignment=lead, actor=world.d_exec, text="Tumanda bajarildi.", uploads=[pdf()])
        services.report_confirm(report=rep, actor=world.d_head)
        services.task_review(review_round=pending(lead), actor=world.first_deputy, accept=True)
        with pytest.raises(PermissionDenied):
            services.task_review(review_round=pending(lead), actor=world.first_deputy, accept=True)


def test_an_extension_past_a_year_makes_the_task_need_progress_reports(world):
    """Rule 21 holds for the deadline as extended: a task due in 3 months needs no progress reports until the
    controller grants an extension to 14 months after it was put on control; the next sweep schedules them."""
    from nazorat.cases import services as case_services

    with travel("2026-03-12 10:00"):
        task, lead = on_control(world, due_on=date(2026, 6, 12))
        assert not task.needs_progress_reports and services.sweep_progress_reports() == 0
        request = services.extension_request(assignment=lead, actor=world.region_exec,
                                             requested_due_on=date(2027, 5, 12),
                                             reasons="Qurilish ishlari qish mavsumiga toʻgʻri keladi")
        case_services.extension_decide(request=request, actor=world.moj_ctl, grant=True)
        assert services.sweep_progress_reports() == 1
        task.refresh_from_db()
        assert task.needs_progress_reports
        assert ProgressReport.objects.filter(task=task).count() == 1


def test_a_document_registered_in_latin_gets_its_cyrillic_title(world):
    """Readers of the Cyrillic interface see the title in their script, as for organisation names; a Cyrillic
    title given by the registrar is kept as given."""
    doc = world.document(title_uz="Ichimlik suvi taʼminoti toʻgʻrisida")
    assert doc.title_uz_cyrl == "Ичимлик суви таъминоти тўғрисида"
    given = world.document(number="PQ-2", title_uz="Yoʻllar", title_uz_cyrl="Йўллар ҳақида")
    assert given.title_uz_cyrl == "Йўллар ҳақида"
