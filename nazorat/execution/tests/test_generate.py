"""The national-scale data set (issue 4 point 13): ``manage.py generate_national`` at a small scale writes rows the
services would have written — the counts scale, every task is a kernel case in a state its timeline explains,
what waits is exactly what is open, and numbering continues without a gap when real work starts on it."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from nazorat.cases.models import Assignment, AssignmentStep, Case, NumberSequence, ReviewRound, WorkItem
from nazorat.core.models import Event
from nazorat.execution import kinds, services
from nazorat.execution.management.commands.generate_national import TARGETS, verify
from nazorat.execution.models import ControlDocument, ControlPlan, ProgressReport, PublicComment, Task
from nazorat.orgs.models import Membership, Organisation

pytestmark = pytest.mark.django_db

SCALE = 0.01
ALL_STATUSES = {*kinds.OPEN_STATUSES, kinds.REMOVED, kinds.WITHDRAWN}


def generate(scale=SCALE):
    out = StringIO()
    call_command("generate_national", scale=scale, seed=2026, stdout=out)
    return out.getvalue()


def test_counts_scale_and_every_task_is_a_consistent_kernel_case():
    summary = generate()
    assert "all invariants hold" in summary
    assert ControlDocument.objects.count() == round(TARGETS["documents"] * SCALE) == 30
    assert Task.objects.count() == round(TARGETS["tasks"] * SCALE) == 252
    # The organisation tree keeps its shape over fewer territories: all 25 republican bodies, one region with its
    # units, a couple of districts; staff with memberships in every body.
    assert 25 < Organisation.objects.count() < TARGETS["organisations"] * 0.05
    staff = Membership.objects.filter(is_active=True).values("user").distinct().count()
    assert TARGETS["staff"] * SCALE <= staff < TARGETS["staff"] * 0.05
    assert not Organisation.objects.annotate(n=Count("memberships")).filter(n=0).exists()

    # every task is a kernel case of kind "task", in one of the task statuses, closed exactly when closed
    assert not Task.objects.exclude(case__kind="task").exists()
    assert Case.objects.filter(kind="task").count() == Task.objects.count()
    statuses = dict(Case.objects.filter(kind="task").values_list("status").annotate(n=Count("id")))
    assert set(statuses) <= ALL_STATUSES
    assert len(statuses) >= 5, statuses  # a realistic mix, not one state
    assert statuses[kinds.REMOVED] > statuses[kinds.IN_PROGRESS] > 0
    assert not Case.objects.filter(kind="task", status__in=[kinds.REMOVED, kinds.WITHDRAWN], closed_at=None).exists()
    assert not Case.objects.filter(kind="task", status__in=kinds.OPEN_STATUSES, closed_at__isnull=False).exists()
    assert Case.objects.filter(kind="task", closed_at=None, due_at__lt=timezone.now()).exists(), "some are overdue"

    # removed from control only by the last reviewer of the chain, after accepting the lead's report
    for case in Case.objects.filter(kind="task", status=kinds.REMOVED).select_related("owner"):
        chain = kinds.chain_for(case)
        last = ReviewRound.objects.filter(case=case, assignment__parent=None, assignment__role="lead",
                                          verdict="accepted", step=len(chain)).get()
        assert last.step_code == chain[-1].code
        assert last.decided_at == case.closed_at
    # a reported task has its report pending with a reviewer; a returned one has the objections on record
    assert not Case.objects.filter(kind="task", status=kinds.REPORTED).exclude(
        review_rounds__verdict="pending", review_rounds__assignment__parent=None).exists()
    for case in Case.objects.filter(kind="task", status=kinds.RETURNED):
        last = ReviewRound.objects.filter(case=case, assignment__parent=None, assignment__role="lead").latest(
            "number", "step")
        assert last.verdict == "returned" and last.reasons

    # what waits is open exactly while the case is open, and matches the rows it waits on
    assert not WorkItem.objects.open().filter(case__closed_at__isnull=False).exists()
    assert WorkItem.objects.open().filter(action="review").count() == ReviewRound.objects.filter(
        verdict="pending").count()
    assert WorkItem.objects.open().filter(action="progress_report").count() == ProgressReport.objects.filter(
        submitted_at=None, task__case__closed_at=None).count()
    assert not WorkItem.objects.open().filter(assignment__state__in=["done", "cancelled"]).exists()
    keys = set(WorkItem.objects.values_list("key", flat=True))
    step = AssignmentStep.objects.first()
    assert f"step:{step.pk}" in keys
    assert f"assignment:{step.assignment_id}:execute" in keys
    assert {k.split(":")[0] for k in keys} >= {"step", "assignment", "review", "progress", "report"}

    # numbers: unique, in the kernel's format, and every counter stands at the last number it gave
    numbers = list(Case.objects.filter(kind="task").values_list("number", "register_id", "year", "sequence"))
    assert len({n for n, *_ in numbers}) == len(numbers)
    for number, register, year, sequence in numbers:
        assert number == f"T-{register}-{year % 100:02d}-{sequence:05d}"
    assert all(v == 0 for v in verify().values()), verify()

    # the cascade: passed on only to bodies under the receiving one, never with a later deadline
    children = Assignment.objects.filter(case__kind="task", parent__isnull=False).select_related(
        "organisation", "parent__organisation")
    assert children.exists()
    assert all(a.organisation.is_within(a.parent.organisation) for a in children)
    assert not children.filter(due_at__gt=F("parent__due_at")).exists()
    # the three timed steps on every assignment, some done late
    codes = set(AssignmentStep.objects.values_list("code", flat=True))
    assert codes == {"register", "name_executor", "approve_plan"}
    assert AssignmentStep.objects.values("assignment").annotate(n=Count("id")).filter(n__lt=3).count() == 0
    assert AssignmentStep.objects.filter(done_at__gt=F("due_at")).exists()
    assert ControlPlan.objects.filter(state="approved").exists()
    # the national chain for the Ministry of Justice's documents, with returns
    assert set(ReviewRound.objects.values_list("step_code", flat=True)) >= {"justice", "cabinet", "accounts_chamber",
                                                                             "control_group", "parent"}
    assert ReviewRound.objects.filter(verdict="returned").exclude(reasons="").exists()
    # progress reports for tasks with no deadline or a long one
    assert ProgressReport.objects.exists()
    assert not ProgressReport.objects.filter(task__needs_progress_reports=False).exists()
    # public documents: their tasks are public, and only they have comments
    assert ControlDocument.objects.filter(is_public=True).exists()
    assert not Case.objects.filter(task__document__is_public=True, is_public=False).exists()
    assert not PublicComment.objects.filter(document__is_public=False).exists()
    # events for the main transitions
    removed = Case.objects.filter(kind="task", status=kinds.REMOVED).count()
    assert Event.objects.filter(action="case.accepted").count() == removed
    assert Event.objects.filter(action="case.put_on_control").count() == Task.objects.filter(
        put_on_control_at__isnull=False).count()


def test_real_work_continues_the_numbering_and_a_second_run_is_refused():
    generate()
    year = timezone.localdate().year
    seq = NumberSequence.objects.filter(series="task", year=year).order_by("-last_value").first()
    assert seq is not None and seq.last_value > 0
    document = ControlDocument.objects.filter(controller_id=seq.organisation_id).first()
    role = "controller" if document.controller.kind == "justice" else "control_group"
    actor = Membership.objects.filter(organisation=document.controller, roles__role=role).first().user

    task = services.task_add(document=document, actor=actor, data={
        "item": "99", "text": "Yangi topshiriq ijrosi taʼminlansin", "deadline_kind": "date",
        "due_on": timezone.localdate() + timedelta(days=30)})

    assert task.case.sequence == seq.last_value + 1
    assert re.fullmatch(rf"T-{document.controller_id}-{year % 100:02d}-{seq.last_value + 1:05d}", task.case.number)
    with pytest.raises(CommandError, match="already has control documents"):
        generate()
