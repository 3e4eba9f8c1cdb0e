"""The whole national journey through the services: the Ministry of Justice puts a task on control, the region
registers it, names the executor, approves its plan, passes it to a district; the district reports, its head
confirms, the region accepts the district's part, reports with the roll-up; the Ministry returns it once with
objections, the region resubmits, and the chain (Ministry → Cabinet → Accounts Chamber) removes it from control."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from nazorat.cases.models import Assignment, ReviewRound
from nazorat.execution import kinds, selectors, services
from nazorat.execution.models import ControlPlan

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


def test_national_journey(world):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 6, 30))
        assert task.case.status == kinds.REGISTERED
        services.task_put_on_control(task=task, actor=world.moj_ctl,
                                     executors=[{"organisation": world.region.pk, "role": "lead"}])
        task.case.refresh_from_db()
        assert task.case.status == kinds.ON_CONTROL
        lead = Assignment.objects.get(case=task.case, parent=None)
        assert {s.code for s in lead.steps.all()} == {"register", "name_executor", "approve_plan"}
        assert lead.due_at == task.case.due_at

    with time_machine.travel(at("2026-03-02 09:20"), tick=False):
        services.assignment_register(assignment=lead, actor=world.cg)
        services.assignment_name_executor(assignment=lead, actor=world.cg, person=world.region_exec)
        plan = services.plan_save(document=doc, organisation=world.region, actor=world.cg,
                                  rows=services.plan_suggested_rows(doc, world.region) and [
                                      {"task": task.pk, "text": "1. Suv taʼminoti", "mechanism": "Tumanlarda reja",
                                       "deadline": "30.06.2026", "executors": "Tuman hokimlari"}])
        with pytest.raises(PermissionDenied):
            services.plan_approve(plan=plan, actor=world.cg)
        services.plan_approve(plan=plan, actor=world.governor)
        task.case.refresh_from_db()
        assert task.case.status == kinds.IN_PROGRESS
        assert ControlPlan.objects.get(pk=plan.pk).state == "approved"
        child = services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district,
                                      due_at=date(2026, 6, 20))
        assert all(s.done_at and s.done_at <= s.due_at for s in lead.steps.all())

    with time_machine.travel(at("2026-05-04 10:00"), tick=False):
        services.assignment_register(assignment=child, actor=world.d_cg)
        rep = services.report_write(assignment=child, actor=world.d_exec, text="Tumanda 3 ta quduq qazildi.",
                                    uploads=[pdf()])
        with pytest.raises(PermissionDenied):
            services.report_confirm(report=rep, actor=world.d_exec)
        services.report_confirm(report=rep, actor=world.d_head)
        rnd = ReviewRound.objects.get(assignment=child, verdict="pending")
        assert rnd.reviewer_org == world.region
        services.task_review(review_round=rnd, actor=world.cg, accept=True)
        child.refresh_from_db()
        assert child.state == "done"
        assert list(selectors.child_reports(lead)) == [rep]

        top = services.report_write(assignment=lead, actor=world.region_exec, text="Viloyat boʻyicha bajarildi.",
                                    uploads=[pdf()])
        services.report_confirm(report=top, actor=world.first_deputy)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REPORTED
        r1 = ReviewRound.objects.get(assignment=lead, verdict="pending")
        assert (r1.reviewer_org, r1.step) == (world.moj, 1)
        services.task_review(review_round=r1, actor=world.moj_ctl, accept=False, reasons="Hujjatlar toʻliq emas")
        task.case.refresh_from_db()
        assert task.case.status == kinds.RETURNED

        again = services.report_write(assignment=lead, actor=world.region_exec, text="Kamchiliklar bartaraf etildi.",
                                      uploads=[pdf("qoshimcha.pdf")])
        services.report_confirm(report=again, actor=world.governor)
        r2 = ReviewRound.objects.get(assignment=lead, verdict="pending")
        assert (r2.number, r2.step) == (2, 1)
        services.task_review(review_round=r2, actor=world.moj_ctl, accept=True)
        r2b = ReviewRound.objects.get(assignment=lead, verdict="pending")
        assert (r2b.reviewer_org, r2b.step) == (world.cabinet, 2)
        with pytest.raises(PermissionDenied):
            services.task_review(review_round=r2b, actor=world.chamber_ctl, accept=True)
        services.task_review(review_round=r2b, actor=world.cabinet_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.closed_at is None, "only the last reviewer removes the task from control"
        r3 = ReviewRound.objects.get(assignment=lead, verdict="pending")
        assert r3.reviewer_org == world.chamber
        services.task_review(review_round=r3, actor=world.chamber_ctl, accept=True)
        task.case.refresh_from_db()
        assert task.case.status == kinds.REMOVED and task.case.closed_at is not None
        assert ReviewRound.objects.filter(case=task.case).count() == 5  # district 1 + region: 1 returned + 3 steps accepted
