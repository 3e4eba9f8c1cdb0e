"""Work plans and targeted studies (R-A13): a plan with its execution-discipline section, an on-site study planned
from it, conducted with findings tied to the tasks concerned, and followed through its measures until the last
one closes it; who may do what; and what a wrong input answers."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from nazorat import testing
from nazorat.cases.services import CaseStateError
from nazorat.core.models import Event
from nazorat.execution import services, studies
from nazorat.execution.models import Study, StudyMeasure, WorkPlan, WorkPlanItem

from .conftest import at

pytestmark = pytest.mark.django_db

PLANS = reverse("execution:workplans")
STUDIES = reverse("execution:studies")
NEW_STUDY = reverse("execution:study_create")


def plan_url(plan, key=None):
    return reverse("execution:workplan_action", args=[plan.pk, key]) if key else \
        reverse("execution:workplan", args=[plan.pk])


def study_url(study, key=None):
    return reverse("execution:study_action", args=[study.pk, key]) if key else \
        reverse("execution:study", args=[study.pk])


@pytest.fixture
def task(world):
    """A task the region received from the Ministry of Justice (so the region's control group sees it)."""
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        doc = world.document()
        t = world.task(doc, due_on=date(2026, 6, 30))
        services.task_put_on_control(task=t, actor=world.moj_ctl,
                                     executors=[{"organisation": world.region.pk, "role": "lead"}])
    return t


@pytest.fixture
def hidden_task(world):
    """A task of the Ministry not given to anyone in Namangan: the region does not see it."""
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        return world.task(world.document(number="PQ-900"), item="7", due_on=date(2026, 6, 30))


def make_plan(world):
    plan = studies.workplan_create(actor=world.cg, organisation=world.region, kind="half_yearly",
                                   period_start=date(2026, 1, 1), title="2026 yil I yarim yillik ish rejasi")
    item = studies.workplan_item_add(plan=plan, actor=world.cg, section="execution_discipline",
                                     text="Chust tumanida ijro intizomini joyida oʻrganish", due_on=date(2026, 3, 20),
                                     responsible="Nazorat guruhi")
    return plan, item


# --- the whole way, through the services ------------------------------------------------------------------

def test_plan_items_study_conduct_measures_close_only_with_the_last_measure(world, task, hidden_task):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        plan, item = make_plan(world)
        assert plan.period_end == date(2026, 6, 30)
        with pytest.raises(ValidationError) as exc:
            studies.workplan_create(actor=world.cg, organisation=world.region, kind="half_yearly",
                                    period_start=date(2026, 1, 1), title="Yana bir reja")
        assert "period_start" in exc.value.error_dict
        studies.workplan_item_add(plan=plan, actor=world.cg, section="organisational",
                                  text="Hokimlik yigʻilishini oʻtkazish")
        with pytest.raises(PermissionDenied):
            studies.workplan_approve(plan=plan, actor=world.cg)
        studies.workplan_approve(plan=plan, actor=world.governor)
        with pytest.raises(CaseStateError):
            studies.workplan_item_add(plan=plan, actor=world.cg, section="other", text="Kechikkan band qoʻshish")

        study = studies.study_plan(actor=world.cg, organisation=world.region, target_organisation=world.district,
                                   subject="Ijro intizomi holatini oʻrganish", planned_on=date(2026, 3, 10),
                                   plan_item=item)
        assert study.state == "planned" and study.plan_item == item

    with time_machine.travel(at("2026-03-10 15:00"), tick=False):
        with pytest.raises(ValidationError) as exc:
            studies.study_conduct(study=study, actor=world.cg, conducted_on=date(2026, 3, 10),
                                  findings="Suv taʼminoti boʻyicha topshiriq kechiktirilgan.",
                                  tasks=[task.pk, hidden_task.pk])
        assert "tasks" in exc.value.error_dict
        studies.study_conduct(study=study, actor=world.cg, conducted_on=date(2026, 3, 10),
                              findings="Suv taʼminoti boʻyicha topshiriq kechiktirilgan.", tasks=[task.pk])
        study.refresh_from_db()
        assert study.state == "conducted" and list(study.tasks.all()) == [task]
        assert Event.objects.filter(action="study.conducted", case_id=task.pk).exists()  # on the task's timeline
        with pytest.raises(CaseStateError):
            studies.study_conduct(study=study, actor=world.cg, conducted_on=date(2026, 3, 10),
                                  findings="Ikkinchi marta oʻtkazish", tasks=[])
        first = studies.study_measure_add(study=study, actor=world.cg, text="Quduqlarni taʼmirlash jadvali tuzilsin",
                                          responsible=world.district, due_on=date(2026, 3, 31))
        second = studies.study_measure_add(study=study, actor=world.cg, text="Masʼul xodimga intizomiy chora",
                                           responsible=world.district, due_on=date(2026, 4, 15))

    with time_machine.travel(at("2026-03-20 11:00"), tick=False):
        with pytest.raises(PermissionDenied):  # an executor of the district, not its control group
            studies.study_measure_done(measure=first, actor=world.d_exec, note="Jadval tuzildi")
        studies.study_measure_done(measure=first, actor=world.d_cg, note="Jadval tuzildi va tasdiqlandi")
        study.refresh_from_db()
        assert study.state == "conducted" and study.closed_at is None, "one measure is still open"
        with pytest.raises(CaseStateError):
            studies.study_measure_done(measure=first, actor=world.d_cg, note="Yana bir bor")
        studies.study_measure_done(measure=second, actor=world.cg, note="Hayfsan eʼlon qilindi")
        study.refresh_from_db()
        assert study.state == "closed" and study.closed_at is not None
        assert Event.objects.filter(action="study.closed", object_id=str(study.pk)).count() == 1
        with pytest.raises(CaseStateError):
            studies.study_measure_add(study=study, actor=world.cg, text="Yana bir chora koʻrilsin",
                                      responsible=world.district, due_on=date(2026, 4, 30))
        studies.workplan_item_done(item=item, actor=world.cg, note="Oʻrganish oʻtkazildi, choralar koʻrildi")
        item.refresh_from_db()
        assert item.done_at is not None


def test_the_whole_way_on_the_pages(client, world, task):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        client.force_login(world.cg)
        response = client.post(PLANS, {"organisation": world.region.pk, "kind": "half_yearly",
                                       "period_start": "2026-01-01", "title": "Yarim yillik ish rejasi"})
        assert response.status_code == 302
        plan = WorkPlan.objects.get()
        assert response["Location"] == plan_url(plan)
        for section, text in (("other", "Boshqa tadbir oʻtkazish"),
                              ("execution_discipline", "Chust tumanini oʻrganish")):
            assert client.post(plan_url(plan, "add_item"), {"section": section, "text": text,
                                                            "due_on": "2026-03-20"}).status_code == 302
        html = client.get(plan_url(plan)).content.decode()
        assert html.index("Execution discipline") < html.index("Other")  # its section comes first
        assert client.post(plan_url(plan, "approve")).status_code == 403  # the control group does not approve
        client.force_login(world.first_deputy)
        assert client.post(plan_url(plan, "approve")).status_code == 302
        assert WorkPlan.objects.get().approved_by == world.first_deputy

        client.force_login(world.cg)
        item = WorkPlanItem.objects.get(section="execution_discipline")
        form = client.get(NEW_STUDY, {"plan_item": item.pk})
        assert form.status_code == 200 and "Chust tumanini oʻrganish" in form.content.decode()
        response = client.post(NEW_STUDY, {"organisation": world.region.pk, "target_organisation": world.district.pk,
                                           "subject": "Ijro intizomini oʻrganish", "planned_on": "2026-03-10",
                                           "plan_item": item.pk})
        assert response.status_code == 302
        study = Study.objects.get()
        assert study.plan_item == item

    with time_machine.travel(at("2026-03-10 15:00"), tick=False):
        response = client.post(study_url(study, "conduct"), {
            "conducted_on": "2026-03-10", "findings": "Topshiriq ijrosi kechiktirilgan, hujjatlar yoʻq.",
            "task_numbers": task.case.number.lower()})
        assert response.status_code == 302
        page = client.get(study_url(study)).content.decode()
        assert task.case.number in page and "Topshiriq ijrosi kechiktirilgan" in page
        response = client.post(study_url(study, "measure_add"), {
            "text": "Ijro jadvali tuzilsin", "responsible": world.district.pk, "due_on": "2026-03-31"})
        assert response.status_code == 302
        measure = StudyMeasure.objects.get()

    with time_machine.travel(at("2026-04-02 10:00"), tick=False):
        client.force_login(world.cg)  # the session of three weeks ago has expired
        overdue = client.get(STUDIES, {"overdue": "on"}).context["page"].object_list
        assert [s.pk for s in overdue] == [study.pk]
        assert "overdue" in client.get(study_url(study)).content.decode()
        response = client.post(study_url(study, "measure_done"), {"target": measure.pk, "note": "Jadval tuzildi"},
                               follow=True)
        assert "The last measure is taken: the study is closed." in response.content.decode()
        study.refresh_from_db()
        assert study.state == "closed"
        assert [s.pk for s in client.get(STUDIES, {"state": "closed"}).context["page"].object_list] == [study.pk]
        assert not client.get(STUDIES, {"state": "planned"}).context["page"].object_list


# --- who may ----------------------------------------------------------------------------------------------

def test_a_district_executor_cannot_plan_a_study(client, world):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        with pytest.raises(PermissionDenied):
            studies.study_plan(actor=world.d_exec, organisation=world.district, target_organisation=world.district,
                               subject="Oʻz tumanini oʻrganish", planned_on=date(2026, 3, 10))
        client.force_login(world.d_exec)
        assert client.get(NEW_STUDY).status_code == 403
        assert client.post(NEW_STUDY, {"organisation": world.district.pk, "target_organisation": world.district.pk,
                                       "subject": "Oʻz tumanini oʻrganish", "planned_on": "2026-03-10"}
                           ).status_code == 403
        assert not Study.objects.exists()


def test_justice_controllers_study_bodies_in_their_scope(world):
    justice = testing.org(kind="justice", name="Namangan viloyati adliya boshqarmasi", territory_code="1714",
                          code="nam-adliya")
    justice_ctl = testing.staff(justice, position="specialist", roles=("controller",), username="adliya_ctl")
    andijan = testing.org(name="Andijon viloyati hokimligi", territory_code="1703", code="and-hok")
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        study = studies.study_plan(actor=justice_ctl, organisation=justice, target_organisation=world.district,
                                   subject="Tuman hokimligida ijro intizomi", planned_on=date(2026, 3, 12))
        assert study.organisation == justice
        with pytest.raises(PermissionDenied):  # another region is outside a regional department's scope
            studies.study_plan(actor=justice_ctl, organisation=justice, target_organisation=andijan,
                               subject="Boshqa viloyatni oʻrganish", planned_on=date(2026, 3, 12))
        # The Ministry and the Accounts Chamber (republican) may study any body; the Cabinet is no auditor.
        studies.study_plan(actor=world.moj_ctl, organisation=world.moj, target_organisation=world.district,
                           subject="Vazirlik tomonidan oʻrganish", planned_on=date(2026, 3, 12))
        studies.study_plan(actor=world.chamber_ctl, organisation=world.chamber, target_organisation=andijan,
                           subject="Hisob palatasi tekshiruvi", planned_on=date(2026, 3, 12))
        with pytest.raises(PermissionDenied):
            studies.study_plan(actor=world.cabinet_ctl, organisation=world.cabinet, target_organisation=world.district,
                               subject="Vazirlar Mahkamasi oʻrganishi", planned_on=date(2026, 3, 12))
        # A district's control group studies its own district, not the region above it.
        studies.study_plan(actor=world.d_cg, organisation=world.district, target_organisation=world.district,
                           subject="Tuman boʻlimlarini oʻrganish", planned_on=date(2026, 3, 12))
        with pytest.raises(PermissionDenied):
            studies.study_plan(actor=world.d_cg, organisation=world.district, target_organisation=world.region,
                               subject="Viloyatni oʻrganish", planned_on=date(2026, 3, 12))
        # A study of a territory: the region's own districts, not another region's.
        studies.study_plan(actor=world.cg, organisation=world.region,
                           target_territory=testing.territory("1714224"), subject="Hududni oʻrganish",
                           planned_on=date(2026, 3, 12))
        with pytest.raises(PermissionDenied):
            studies.study_plan(actor=world.cg, organisation=world.region, target_territory=testing.territory("1703"),
                               subject="Boshqa hududni oʻrganish", planned_on=date(2026, 3, 12))


def test_who_sees_a_study_and_who_acts_on_it(client, world):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        study = studies.study_plan(actor=world.cg, organisation=world.region, target_organisation=world.district,
                                   subject="Ijro intizomini oʻrganish", planned_on=date(2026, 3, 10))
        client.force_login(world.pop_exec)  # another district: not theirs to see
        assert client.get(study_url(study)).status_code == 404
        assert not client.get(STUDIES).context["page"].object_list
        client.force_login(world.observer)  # an observer of the region sees its territory
        assert client.get(study_url(study)).status_code == 200
        client.force_login(world.d_exec)  # the district studied sees it, but does not conduct it
        page = client.get(study_url(study))
        assert page.status_code == 200 and "Record the study as conducted" not in page.content.decode()
        response = client.post(study_url(study, "conduct"), {"conducted_on": "2026-03-02",
                                                             "findings": "Hammasi joyida, kamchilik yoʻq."})
        assert response.status_code == 403
        client.force_login(world.citizen)
        assert client.get(STUDIES).status_code == 403
    study.refresh_from_db()
    assert study.state == "planned"


def test_plans_of_deputies_and_staff(world):
    deputy = testing.staff(world.region, position="deputy", roles=("executor",), username="deputy")
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        plan = studies.workplan_create(actor=deputy, organisation=world.region, kind="quarterly",
                                       period_start=date(2026, 4, 1), title="II chorak rejasi")
        assert (plan.owner, plan.period_end) == (deputy, date(2026, 6, 30))
        with pytest.raises(ValidationError) as exc:  # a specialist's plan is monthly, not quarterly
            studies.workplan_create(actor=world.region_exec, organisation=world.region, kind="quarterly",
                                    period_start=date(2026, 4, 1), title="Chorak rejasi")
        assert "owner" in exc.value.error_dict
        monthly = studies.workplan_create(actor=world.region_exec, organisation=world.region, kind="monthly",
                                          period_start=date(2026, 3, 1), title="Mart oyi rejasi")
        assert (monthly.owner, monthly.period_end) == (world.region_exec, date(2026, 3, 31))
        with pytest.raises(PermissionDenied):  # nobody else's monthly plan, unless they plan for the body
            studies.workplan_create(actor=world.region_exec, organisation=world.region, kind="monthly",
                                    owner=deputy, period_start=date(2026, 3, 1), title="Boshqaning rejasi")
        with pytest.raises(PermissionDenied):  # a specialist does not make the body's half-yearly plan
            studies.workplan_create(actor=world.region_exec, organisation=world.region, kind="half_yearly",
                                    period_start=date(2026, 1, 1), title="Yarim yillik reja")
        studies.workplan_item_add(plan=plan, actor=deputy, section="execution_discipline",
                                  text="Tumanlarda oʻrganish", due_on=date(2026, 5, 15))
        with pytest.raises(PermissionDenied):  # nobody approves their own plan
            studies.workplan_approve(plan=plan, actor=deputy)
        with pytest.raises(PermissionDenied):
            studies.workplan_approve(plan=plan, actor=world.d_head)  # the head of another body
        studies.workplan_approve(plan=plan, actor=world.governor)


# --- wrong input ------------------------------------------------------------------------------------------

def test_plan_validation_answers_400_and_stores_nothing(client, world):
    client.force_login(world.cg)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        response = client.post(PLANS, {"organisation": world.region.pk, "kind": "half_yearly",
                                       "period_start": "2026-02-01", "title": "Reja"})
        assert response.status_code == 400
        assert "A half-yearly plan starts on 1 January or 1 July." in response.content.decode()
        response = client.post(PLANS, {"organisation": world.region.pk, "kind": "half_yearly",
                                       "period_start": "2026-01-01", "title": ""})
        assert response.status_code == 400
        assert not WorkPlan.objects.exists()

        plan, _item = make_plan(world)
        response = client.post(plan_url(plan, "add_item"), {"section": "other", "text": "Tadbir",
                                                            "due_on": "2026-09-01"})
        assert response.status_code == 400
        assert "The date must fall within the plan&#x27;s period." in response.content.decode()
        empty = studies.workplan_create(actor=world.cg, organisation=world.region, kind="monthly",
                                        owner=world.first_deputy, period_start=date(2026, 3, 1), title="Oylik reja")
        studies.workplan_item_add(plan=empty, actor=world.cg, section="other", text="Boshqa tadbir")
        client.force_login(world.governor)
        with pytest.raises(ValidationError):  # no item in the section on execution discipline
            studies.workplan_approve(plan=empty, actor=world.governor)
        assert WorkPlanItem.objects.count() == 2


def test_study_validation_answers_400_and_changes_nothing(client, world, task):
    client.force_login(world.cg)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        plan, item = make_plan(world)
        other_item = studies.workplan_item_add(plan=plan, actor=world.cg, section="organisational",
                                               text="Yigʻilish oʻtkazish")
        base = {"organisation": world.region.pk, "target_organisation": world.district.pk,
                "subject": "Ijro intizomini oʻrganish", "planned_on": "2026-03-10"}
        response = client.post(NEW_STUDY, {**base, "target_organisation": ""})
        assert response.status_code == 400
        assert "Choose the organisation or the territory to study." in response.content.decode()
        response = client.post(NEW_STUDY, {**base, "planned_on": "2026-02-01"})
        assert response.status_code == 400 and "The date cannot be in the past." in response.content.decode()
        response = client.post(NEW_STUDY, {**base, "plan_item": other_item.pk})
        assert response.status_code == 400
        assert not Study.objects.exists()

        study = studies.study_plan(actor=world.cg, organisation=world.region, target_organisation=world.district,
                                   subject="Ijro intizomini oʻrganish", planned_on=date(2026, 3, 10), plan_item=item)
        response = client.post(study_url(study, "conduct"), {"conducted_on": "2026-03-02", "findings": ""})
        assert response.status_code == 400
        response = client.post(study_url(study, "conduct"), {"conducted_on": "2026-03-02",
                                                             "findings": "Kamchiliklar aniqlandi.",
                                                             "task_numbers": "T-999-26-00001"})
        assert response.status_code == 400
        assert "No such task among those you may see: T-999-26-00001." in response.content.decode()
        response = client.post(study_url(study, "cancel"), {"reason": ""})
        assert response.status_code == 400
        study.refresh_from_db()
        assert study.state == "planned" and study.findings == ""

        studies.study_conduct(study=study, actor=world.cg, conducted_on=date(2026, 3, 2),
                              findings="Kamchiliklar aniqlandi.", tasks=[task])
        response = client.post(study_url(study, "measure_add"), {"text": "Chora", "responsible": world.district.pk,
                                                                 "due_on": "2026-01-01"})
        assert response.status_code == 400 and "The deadline cannot be in the past." in response.content.decode()
        assert client.post(study_url(study, "cancel"), {"reason": "Kerak emas endi"}).status_code == 409
        measure = studies.study_measure_add(study=study, actor=world.cg, text="Chora koʻrilsin",
                                            responsible=world.district, due_on=date(2026, 3, 31))
        response = client.post(study_url(study, "measure_done"), {"target": measure.pk, "note": ""})
        assert response.status_code == 400
        measure.refresh_from_db()
        assert measure.done_at is None


def test_a_planned_study_can_be_cancelled_with_reasons(client, world):
    client.force_login(world.cg)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        study = studies.study_plan(actor=world.cg, organisation=world.region, target_organisation=world.district,
                                   subject="Ijro intizomini oʻrganish", planned_on=date(2026, 3, 10))
        response = client.post(study_url(study, "cancel"), {"reason": "Tuman tekshiruvi Hisob palatasi bilan birga"},
                               follow=True)
        assert "The study is cancelled." in response.content.decode()
        assert "Tuman tekshiruvi Hisob palatasi bilan birga" in response.content.decode()
        study.refresh_from_db()
        assert study.state == "cancelled"


def test_a_study_needing_no_measures_closes_when_conducted(world):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        study = studies.study_plan(actor=world.cg, organisation=world.region, target_organisation=world.district,
                                   subject="Ijro intizomini oʻrganish", planned_on=date(2026, 3, 2))
        studies.study_conduct(study=study, actor=world.cg, conducted_on=date(2026, 3, 2),
                              findings="Kamchilik aniqlanmadi, hammasi muddatida.", no_measures_needed=True)
        study.refresh_from_db()
        assert study.state == "closed" and study.closed_at is not None


def test_study_list_has_no_query_per_row(client, world, django_assert_max_num_queries):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        for n in range(10):
            studies.study_plan(actor=world.cg, organisation=world.region, target_organisation=world.district,
                               subject=f"Oʻrganish {n}", planned_on=date(2026, 3, 10))
        client.force_login(world.cg)
        with django_assert_max_num_queries(12):
            response = client.get(STUDIES)
        assert response.context["page"].paginator.count == 10
