"""Who may call each execution service (one actor who may, two who may not — refused with nothing changed), and
who sees which tasks."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db.models import Count

from nazorat.cases.models import Assignment, AssignmentStep, Case, ReviewRound, WorkItem
from nazorat.core.models import Event
from nazorat.execution import selectors, services
from nazorat.execution.models import ControlDocument, ControlPlan, ExecutionReport, PublicComment, Task

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

ROWS = [{"text": "1. Suv taʼminoti", "mechanism": "Tuman rejalari", "deadline": "30.06.2026",
         "executors": "Tuman hokimlari"}]


def snapshot() -> dict:
    """Everything a refused call could have touched."""
    def by(model, field):
        return dict(model.objects.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))

    return {
        "events": Event.objects.count(),
        "documents": ControlDocument.objects.count(),
        "tasks": Task.objects.count(),
        "cases": by(Case, "status"),
        "assignments": by(Assignment, "state"),
        "steps_done": AssignmentStep.objects.filter(done_at__isnull=False).count(),
        "plans": by(ControlPlan, "state"),
        "reports": by(ExecutionReport, "state"),
        "rounds": by(ReviewRound, "verdict"),
        "comments": by(PublicComment, "state"),
        "open_items": WorkItem.objects.open().count(),
    }


def _put_on_control(w, task):
    services.task_put_on_control(task=task, actor=w.moj_ctl,
                                 executors=[{"organisation": w.region, "role": "lead"}])
    return Assignment.objects.get(case=task.case, parent=None)


def _scene(name, w):
    """Build the state the service needs; return the call to make with an actor."""
    doc = w.document(public=True)
    task = w.task(doc, due_on=date(2026, 6, 30))
    if name == "document_register":
        return lambda actor: services.document_register(actor=actor, data={
            "kind": "order", "issuer": w.pa.pk, "number": "F-7", "date": date(2026, 2, 1),
            "title_uz": "Farmoyish", "text": "Bajarilsin."})
    if name == "task_add":
        return lambda actor: services.task_add(document=doc, actor=actor, data={
            "item": "2", "text": "Maktablarni isitish tizimini taʼmirlash", "due_on": date(2026, 9, 1)})
    if name == "task_put_on_control":
        return lambda actor: services.task_put_on_control(
            task=task, actor=actor, executors=[{"organisation": w.region, "role": "lead"}])
    lead = _put_on_control(w, task)
    if name == "assignment_register":
        return lambda actor: services.assignment_register(assignment=lead, actor=actor)
    if name == "task_pass_on":
        return lambda actor: services.task_pass_on(assignment=lead, actor=actor, organisation=w.district,
                                                   due_at=date(2026, 6, 1))
    if name == "plan_approve":
        plan = services.plan_save(document=doc, organisation=w.region, actor=w.cg,
                                  rows=[{**ROWS[0], "task": task.pk}])
        return lambda actor: services.plan_approve(plan=plan, actor=actor)
    if name == "task_withdraw":
        return lambda actor: services.task_withdraw(task=task, actor=actor, reason="Hujjat oʻz kuchini yoʻqotdi.")
    report = services.report_write(assignment=lead, actor=w.region_exec, text="Bajarildi, dalolatnoma ilova.",
                                   uploads=[pdf()])
    if name == "report_confirm":
        return lambda actor: services.report_confirm(report=report, actor=actor)
    if name == "task_review":
        services.report_confirm(report=report, actor=w.governor)
        rnd = ReviewRound.objects.get(case=task.case, verdict="pending")
        return lambda actor: services.task_review(review_round=rnd, actor=actor, accept=True)
    if name == "comment_moderate":
        comment = services.comment_add(document=doc, actor=w.citizen, opinion="support",
                                       text="Mahallamizda suv hali ham yoʻq.")
        return lambda actor: services.comment_moderate(comment=comment, actor=actor, publish=True)
    raise AssertionError(name)


MATRIX = [
    # service, who may, two who may not
    ("document_register", "moj_ctl", ("region_exec", "citizen")),
    ("task_add", "moj_ctl", ("cg", "cabinet_ctl")),
    ("task_put_on_control", "moj_ctl", ("cg", "governor")),
    ("assignment_register", "cg", ("d_exec", "moj_ctl")),
    ("task_pass_on", "cg", ("region_exec", "d_cg")),
    ("plan_approve", "governor", ("cg", "region_exec")),
    ("report_confirm", "first_deputy", ("region_exec", "cg")),
    ("task_review", "moj_ctl", ("cabinet_ctl", "cg")),
    ("task_withdraw", "moj_ctl", ("cg", "governor")),
    ("comment_moderate", "moj_ctl", ("citizen", "cg")),
]
CASES = [pytest.param(name, who, True, id=f"{name}-{who}-may") for name, who, _ in MATRIX] + [
    pytest.param(name, who, False, id=f"{name}-{who}-refused") for name, _, refused in MATRIX for who in refused]


@pytest.mark.parametrize("name, who, allowed", CASES)
def test_permission_matrix(world, name, who, allowed):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        call = _scene(name, world)
        actor = getattr(world, who)
        before = snapshot()
        if allowed:
            call(actor)
            assert snapshot() != before
            assert Event.objects.filter(actor=actor).exists()
        else:
            with pytest.raises(PermissionDenied):
                call(actor)
            assert snapshot() == before


# --- visibility --------------------------------------------------------------------------------------------

@pytest.fixture
def tasks(world):
    """A MoJ task passed by the region to Chust; and the region hokimlik's own order given to Chust."""
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        national = world.task(world.document(number="PQ-1"), due_on=date(2026, 6, 30))
        lead = _put_on_control(world, national)
        services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district, due_at=date(2026, 6, 1))
        regional = world.task(world.document(number="112-f", kind="order", actor=world.cg), due_on=date(2026, 6, 30),
                              actor=world.cg)
        services.task_put_on_control(task=regional, actor=world.cg,
                                     executors=[{"organisation": world.district, "role": "lead"}])
    return national, regional


def visible(user):
    return set(selectors.tasks_visible_to(user).values_list("pk", flat=True))


def test_executors_see_their_own_bodies_tasks_only(world, tasks):
    national, regional = tasks
    assert visible(world.d_exec) == {national.pk, regional.pk}  # Chust executes both
    assert visible(world.pop_exec) == set()  # the neighbouring district sees neither
    assert selectors.task_for(world.pop_exec, national.case.number) is None
    assert visible(world.region_exec) == {national.pk, regional.pk}


def test_the_controller_sees_all_and_a_citizen_none(world, tasks):
    national, regional = tasks
    assert visible(world.moj_ctl) == {national.pk, regional.pk}
    assert visible(world.citizen) == set()
    assert selectors.task_for(world.citizen, national.case.number) is None


def test_the_observer_sees_the_tasks_of_its_territory(world, tasks):
    national, regional = tasks
    assert regional.pk in visible(world.observer)  # the Namangan hokimlik's own order


def test_the_observer_sees_national_tasks_executed_in_its_territory(world, tasks):
    national, regional = tasks
    assert national.pk in visible(world.observer)
