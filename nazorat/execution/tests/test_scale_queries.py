"""Scale: the scoped reads of execution control see exactly what the kernel's staff visibility allows (without
reading every task), the register and the document list run as many queries for many tasks as for one, and the
register's filters do not list every document and body of the country (docs/performance.md, execution control
at national scale)."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nazorat import testing
from nazorat.cases.selectors import staff_cases_visible_to
from nazorat.execution import selectors, services
from nazorat.execution.forms import PutOnControlForm
from nazorat.execution.models import ControlDocument, Task
from nazorat.orgs.models import Organisation

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    with time_machine.travel(at("2026-03-02 09:00"), tick=True) as traveller:
        yield traveller


def put_on_control(world, task, org):
    services.task_put_on_control(task=task, actor=world.moj_ctl, executors=[{"organisation": org.pk, "role": "lead"}])


def fresh(user):
    """The user as a new request loads it: nothing cached from an earlier read."""
    return type(user).objects.get(pk=user.pk)


def test_scoped_reads_see_what_the_kernel_scope_sees(world, monday):
    """Tasks of the region, of a district, of a national body and one left registered: every person sees the same
    tasks and documents as through the kernel's ``staff_cases_visible_to``, each task found by its number."""
    docs = [world.document(number=f"PQ-{n}") for n in (1, 2, 3)]
    region_task = world.task(docs[0], item="1", due_on=date(2026, 6, 30))
    put_on_control(world, region_task, world.region)
    district_task = world.task(docs[1], item="1", due_on=date(2026, 6, 30))
    put_on_control(world, district_task, world.district)
    national_task = world.task(docs[2], item="1", due_on=date(2026, 6, 30))
    put_on_control(world, national_task, world.cabinet)
    world.task(docs[2], item="2", due_on=date(2026, 6, 30))  # registered, not yet on control

    people = [world.moj_ctl, world.cabinet_ctl, world.cg, world.first_deputy, world.region_exec, world.d_cg,
              world.d_exec, world.pop_exec, world.observer, world.citizen]
    seen_by = {}
    for person in people:
        user = fresh(person)
        expected = set(staff_cases_visible_to(user).filter(kind="task").values_list("pk", flat=True))
        tasks = set(selectors.tasks_visible_to(fresh(person)).values_list("pk", flat=True))
        assert tasks == expected, person.username
        expected_docs = {d.pk for d in docs if d.controller_id in {m.organisation_id for m in user.memberships.all()}}
        expected_docs |= set(Task.objects.filter(pk__in=expected).values_list("document_id", flat=True))
        if user.memberships.filter(organisation__level="republic", roles__role="controller").exists():
            expected_docs = {d.pk for d in docs}
        assert set(selectors.documents_visible_to(fresh(person)).values_list("pk", flat=True)) == expected_docs, \
            person.username
        for task in Task.objects.select_related("case"):
            found = selectors.task_for(fresh(person), task.case.number)
            assert (found is not None) == (task.pk in expected), (person.username, task.case.number)
        seen_by[person.username] = tasks
    assert seen_by["cg"] == {region_task.pk, district_task.pk}  # the region's subtree
    assert seen_by["d_exec"] == {district_task.pk}
    assert seen_by["pop_exec"] == set()
    assert seen_by["citizen"] == set()
    assert region_task.pk in seen_by["observer"] and national_task.pk not in seen_by["observer"]
    assert len(seen_by["moj_ctl"]) == 4


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_and_documents_of_a_regional_control_group_do_not_grow_with_tasks(client, world, monday):
    doc = world.document(number="PQ-1")
    task = world.task(doc, item="1", due_on=date(2026, 6, 30))
    put_on_control(world, task, world.district)  # every page below lists one task at first
    client.force_login(world.cg)
    urls = [reverse("execution:home"), reverse("execution:home") + f"?document={doc.pk}",
            reverse("execution:home") + "?organisation_q=Chust&document_q=PQ",
            reverse("execution:documents")]
    for url in urls:
        client.get(url)
    before = {url: _queries(client, url) for url in urls}

    for n in range(2, 8):
        other = world.document(number=f"PQ-{n}")
        for item in ("1", "2"):
            t = world.task(other, item=item, due_on=date(2026, 6, 30))
            put_on_control(world, t, world.district if item == "1" else world.region)
        t = world.task(doc, item=str(n), due_on=date(2026, 6, 30))
        put_on_control(world, t, world.district)
    assert Task.objects.count() == 19

    after = {url: _queries(client, url) for url in urls}
    assert after == before
    page = client.get(reverse("execution:documents"))
    counts = {d.number: d.task_count for d in page.context["page"]}
    assert counts["PQ-1"] == 7 and counts["PQ-4"] == 2
    assert len(client.get(reverse("execution:home")).context["page"]) == 19


def test_register_filters_search_document_and_body_by_text(client, world, monday):
    water_doc = world.document(number="PQ-215", title_uz="Ichimlik suvi taʼminoti toʻgʻrisida")
    roads_doc = world.document(number="PF-60", title_uz="Yoʻllarni taʼmirlash toʻgʻrisida")
    water = world.task(water_doc, item="1", due_on=date(2026, 6, 30))
    put_on_control(world, water, world.district)
    roads = world.task(roads_doc, item="1", due_on=date(2026, 6, 30))
    put_on_control(world, roads, world.region)
    client.force_login(world.moj_ctl)
    url = reverse("execution:home")

    def shown(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {t.case.number for t in response.context["page"]}

    assert shown(document_q="PQ-215") == {water.case.number}
    assert shown(document_q="йўлларни") == {roads.case.number}  # Cyrillic finds the Latin title
    assert shown(organisation_q="Чуст") == {water.case.number}
    assert shown(organisation_q="nam-hok") == {roads.case.number}  # the body's code
    assert shown(organisation_q="Namangan viloyati") == {roads.case.number}
    assert shown(organisation_q="nowhere") == set()

    page = client.get(url, {"document": water_doc.pk, "status": "on_control"})
    body = page.content.decode()
    assert {t.case.number for t in page.context["page"]} == {water.case.number}
    assert "PQ-215" in re.search(r'data-testid="chosen-document".*?</div>', body, re.S).group(0)
    assert f'name="document" value="{water_doc.pk}"' in body  # kept when the form is sent again
    assert 'href="?status=on_control" data-testid="clear-document"' in body
    page = client.get(url, {"organisation": world.region.pk})
    assert {t.case.number for t in page.context["page"]} == {roads.case.number}
    assert world.region.name in re.search(r'data-testid="chosen-organisation".*?</div>', page.content.decode(),
                                          re.S).group(0)

    body = client.get(url).content.decode()
    assert '<select name="document"' not in body and '<select name="organisation"' not in body
    assert 'name="document_q"' in body and 'name="organisation_q"' in body
    assert "<datalist" not in body  # the whole country: no list of bodies

    client.force_login(world.cg)  # a region: its few bodies are suggested
    body = client.get(url).content.decode()
    assert '<datalist id="organisation-names">' in body and world.district.name in body


def test_put_on_control_offers_republican_and_regional_bodies_to_a_republican_controller(world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    national = PutOnControlForm(task=task)
    offered = set(national.fields["lead"].queryset)
    assert {world.region, world.reception, world.cabinet, world.pa} <= offered
    assert world.moj not in offered and world.district not in offered  # districts get it from their region
    assert set(national.fields["co_executors"].queryset) == offered

    regional = testing.staff(world.region, position="unit_head", roles=("controller",), username="region_ctl")
    local_doc = world.document(number="Q-7", actor=regional, issuer=world.region.pk)
    local = world.task(local_doc, due_on=date(2026, 6, 30), actor=regional)
    offered = set(PutOnControlForm(task=local).fields["lead"].queryset)
    assert offered == {world.district, world.other_district}
    assert Organisation.objects.count() > len(offered)
    assert ControlDocument.objects.count() == 2
