"""Execution reports (R-A8 agendas, R-A9 discipline register, R-A10 monitoring) on a known data set built through
the real services on known days (docs/execution-reports.md has the definitions).

The data set, as of Friday 12 June 2026 10:00 (Tashkent). The Ministry of Justice put nine tasks on control in
March (T10 already in November 2025, with no deadline): eight with the Namangan region as lead executor, one with
the People's reception. The region passed some on to the Chust district (and T1 to the Pop district):

    T1  region due 25.05, Pop due 22.05 — nobody executed: both overdue (region's person: region_exec)
    T2  region due 30.06, Chust due 12.06 (18:00) — Chust registered it late on 09.06
    T3  Chust due 26.06 — reported 09.06, returned by the region 10.06, awaiting rework
    T4  Chust due 26.06 — reported 04.06, returned 05.06 09:00, resubmitted and accepted 05.06
    T5  region due 30.06 — reported 08.06, returned by the Ministry 09.06, resubmitted 10.06, removed from control
        11.06 after the Ministry, the Cabinet and the Accounts Chamber accepted it
    T7  Chust due 26.06 — reported 18.05, returned 19.05, resubmitted and accepted 20.05
    T8  People's reception due 20.05 — overdue, outside the region's tree
    T10 region, no deadline (Nov 2025) — its first six-monthly progress report (due 04.05) never entered
    T11 Chust due 02.06 — reported 10.06 (late) and accepted 10.06; the person named: d_exec
"""

from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from nazorat import testing
from nazorat.cases.models import Assignment, ReviewRound
from nazorat.execution import kinds, measures, services
from nazorat.execution.models import DisciplinaryMeasure
from nazorat.execution.reports import queries

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

NOW = "2026-06-12 10:00"


def on(when):
    return time_machine.travel(at(when), tick=False)


def lead(task):
    return Assignment.objects.get(case_id=task.pk, parent__isnull=True)


def login(client, user):
    """Log in; a signatory also passes the second factor, as they must before any staff page."""
    client.force_login(user)
    if user.memberships.filter(roles__role="signatory").exists():
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get_or_create(user=user, name="app", defaults={"confirmed": True})[0]
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def pending(assignment):
    return ReviewRound.objects.get(assignment=assignment, verdict="pending")


@pytest.fixture
def data(world):
    w = world
    w.pop_head = testing.staff(w.other_district, position="head", roles=("signatory",), username="pop_head")
    t = SimpleNamespace()

    def put(task, organisation):
        services.task_put_on_control(task=task, actor=w.moj_ctl,
                                     executors=[{"organisation": organisation.pk, "role": "lead"}])

    def pass_on(task, organisation, due):
        return services.task_pass_on(assignment=lead(task), actor=w.cg, organisation=organisation, due_at=due)

    def district_report(child):
        rep = services.report_write(assignment=child, actor=w.d_exec, text="Tumanda ishlar bajarildi.",
                                    uploads=[pdf()])
        services.report_confirm(report=rep, actor=w.d_head)

    def region_review(child, accept):
        services.task_review(review_round=pending(child), actor=w.cg, accept=accept,
                             reasons="" if accept else "Hujjatlar yetarli emas")

    with on("2025-11-03 09:00"):
        old = w.document(number="PQ-10", date=date(2025, 10, 1))
        t.t10 = w.task(old, item="1", deadline_kind="none")
        put(t.t10, w.region)
    with on("2026-03-02 09:00"):
        doc = w.document()
        dues = {"t1": date(2026, 5, 25), "t2": date(2026, 6, 30), "t3": date(2026, 6, 30), "t4": date(2026, 6, 30),
                "t5": date(2026, 6, 30), "t7": date(2026, 6, 30), "t8": date(2026, 5, 20), "t11": date(2026, 6, 30)}
        for i, (name, due) in enumerate(dues.items(), start=1):
            setattr(t, name, w.task(doc, item=str(i), due_on=due))
        for name in ("t1", "t2", "t3", "t4", "t5", "t7", "t11"):
            put(getattr(t, name), w.region)
        put(t.t8, w.reception)
    with on("2026-03-02 09:10"):
        for name in ("t1", "t2", "t3", "t4", "t5", "t7", "t11"):
            services.assignment_register(assignment=lead(getattr(t, name)), actor=w.cg)
        services.assignment_name_executor(assignment=lead(t.t1), actor=w.cg, person=w.region_exec)
    with on("2026-03-02 09:20"):
        t.t1_pop = pass_on(t.t1, w.other_district, date(2026, 5, 22))
        t.t2_d = pass_on(t.t2, w.district, date(2026, 6, 12))
        t.t3_d = pass_on(t.t3, w.district, date(2026, 6, 26))
        t.t4_d = pass_on(t.t4, w.district, date(2026, 6, 26))
        t.t7_d = pass_on(t.t7, w.district, date(2026, 6, 26))
        t.t11_d = pass_on(t.t11, w.district, date(2026, 6, 2))
        for child in (t.t3_d, t.t4_d, t.t7_d, t.t11_d):
            services.assignment_register(assignment=child, actor=w.d_cg)
        services.assignment_name_executor(assignment=t.t11_d, actor=w.d_cg, person=w.d_exec)
    # T7: returned and accepted in May
    with on("2026-05-18 10:00"):
        district_report(t.t7_d)
    with on("2026-05-19 10:00"):
        region_review(t.t7_d, accept=False)
    with on("2026-05-20 10:00"):
        district_report(t.t7_d)
    with on("2026-05-20 15:00"):
        region_review(t.t7_d, accept=True)
    # T4: returned and accepted on Friday 5 June
    with on("2026-06-04 10:00"):
        district_report(t.t4_d)
    with on("2026-06-05 09:00"):
        region_review(t.t4_d, accept=False)
    with on("2026-06-05 11:00"):
        district_report(t.t4_d)
    with on("2026-06-05 15:00"):
        region_review(t.t4_d, accept=True)
    # T5: the national chain returns once, then removes it from control
    with on("2026-06-08 10:00"):
        rep = services.report_write(assignment=lead(t.t5), actor=w.region_exec, text="Viloyat boʻyicha bajarildi.",
                                    uploads=[pdf()])
        services.report_confirm(report=rep, actor=w.governor)
    with on("2026-06-09 10:00"):
        services.task_review(review_round=pending(lead(t.t5)), actor=w.moj_ctl, accept=False,
                             reasons="Hujjatlar toʻliq emas")
        services.assignment_register(assignment=t.t2_d, actor=w.d_cg)  # 30 working minutes → three months late
    with on("2026-06-09 11:00"):
        district_report(t.t3_d)
    with on("2026-06-10 09:00"):
        district_report(t.t11_d)
    with on("2026-06-10 10:00"):
        rep = services.report_write(assignment=lead(t.t5), actor=w.region_exec, text="Kamchiliklar bartaraf etildi.",
                                    uploads=[pdf()])
        services.report_confirm(report=rep, actor=w.first_deputy)
    with on("2026-06-10 11:00"):
        region_review(t.t3_d, accept=False)
    with on("2026-06-10 12:00"):
        region_review(t.t11_d, accept=True)
    with on("2026-06-11 10:00"):
        for actor in (w.moj_ctl, w.cabinet_ctl, w.chamber_ctl):
            services.task_review(review_round=pending(lead(t.t5)), actor=actor, accept=True)
    t.t5.case.refresh_from_db()
    assert t.t5.case.status == kinds.REMOVED
    t.n = {name: getattr(t, name).case.number for name in ("t1", "t2", "t3", "t4", "t5", "t7", "t8", "t10", "t11")}
    w.t = t
    return w


def rows(section, w):
    """(task label, body) pairs of an agenda section."""
    names = {v: k.upper() for k, v in w.t.n.items()}
    body = {w.region.name: "region", w.district.name: "chust", w.other_district.name: "pop",
            w.reception.name: "reception"}
    return {(names[r.number], body[r.organisation]) for r in section}


# --- agendas --------------------------------------------------------------------------------------------------

def test_friday_agenda_of_the_region_includes_its_districts(data):
    w = data
    with on(NOW):
        a = queries.agenda(w.governor, w.region, "friday")
    assert a.period.start == at("2026-06-05 00:00") and a.period.end == at(NOW)
    assert rows(a.overdue, w) == {("T1", "region"), ("T1", "pop")}
    assert rows(a.due_soon, w) == {("T2", "chust")}
    assert rows(a.returned, w) == {("T4", "chust"), ("T5", "region"), ("T3", "chust")}
    assert [r.awaiting for r in a.returned] == [False, False, True]  # ordered by return; T3 awaits rework
    assert rows(a.completed, w) == {("T4", "chust"), ("T11", "chust"), ("T5", "region")}
    done = {r.number: r for r in a.completed}
    assert done[w.t.n["t5"]].removed and not done[w.t.n["t5"]].late
    assert done[w.t.n["t11"]].late and not done[w.t.n["t4"]].late
    overdue = {(r.number, r.organisation): r for r in a.overdue}
    assert overdue[(w.t.n["t1"], w.region.name)].person == w.region_exec.get_full_name()  # the named person
    assert overdue[(w.t.n["t1"], w.other_district.name)].person == w.pop_head.get_full_name()  # else the head
    assert a.progress_overdue == 1  # T10's first six-monthly report
    assert a.steps_late == 1  # Chust registered T2 on 9 June


def test_monday_agenda_counts_since_the_previous_monday(data):
    w = data
    with on(NOW):
        a = queries.agenda(w.governor, w.region, "monday")
    assert a.period.start == at("2026-06-08 00:00")
    assert rows(a.overdue, w) == {("T1", "region"), ("T1", "pop")}
    assert rows(a.due_soon, w) == {("T2", "chust")}
    assert rows(a.returned, w) == {("T5", "region"), ("T3", "chust")}
    assert rows(a.completed, w) == {("T11", "chust"), ("T5", "region")}


def test_monthly_report_for_the_council_is_the_chosen_month(data):
    w = data
    with on(NOW):
        a = queries.agenda(w.governor, w.region, "monthly", month=date(2026, 5, 1))
        default = queries.agenda(w.governor, w.region, "monthly")
    assert (a.period.start, a.period.end) == (at("2026-05-01 00:00"), at("2026-06-01 00:00"))
    assert default.period.start == a.period.start  # the previous month by default
    assert rows(a.overdue, w) == {("T1", "region"), ("T1", "pop")}  # as at 1 June
    assert rows(a.due_soon, w) == {("T11", "chust")}  # open on 1 June, due 2 June
    assert rows(a.returned, w) == {("T7", "chust")}
    assert rows(a.completed, w) == {("T7", "chust")}
    assert a.progress_overdue == 1


def test_district_agenda_holds_only_the_district(data):
    w = data
    with on(NOW):
        a = queries.agenda(w.d_head, w.district, "friday")
    assert rows(a.overdue, w) == set()
    assert rows(a.due_soon, w) == {("T2", "chust")}
    assert rows(a.returned, w) == {("T4", "chust"), ("T3", "chust")}
    assert rows(a.completed, w) == {("T4", "chust"), ("T11", "chust")}
    assert (a.progress_overdue, a.steps_overdue, a.steps_late) == (0, 4, 1)  # T2 and T3: executor and plan steps


def test_agenda_page_and_pdf(client, data):
    w = data
    login(client, w.first_deputy)
    with on(NOW):
        page = client.get(reverse("execution:agenda", args=["friday"]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Friday agenda" in html and w.region.name in html
        assert "includes its districts" in html
        assert w.t.n["t1"] in html and w.t.n["t8"] not in html
        assert reverse("execution:task", args=[w.t.n["t1"]]) in html
        monthly = client.get(reverse("execution:agenda", args=["monthly"]), {"month": "2026-05"})
        assert monthly.status_code == 200 and w.t.n["t7"] in monthly.content.decode()
        response = client.get(reverse("execution:agenda_pdf", args=["monday"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_district_executor_cannot_open_another_bodys_agenda(client, data):
    w = data
    login(client, w.d_exec)
    with on(NOW):
        own = client.get(reverse("execution:agenda", args=["friday"]))
        assert own.status_code == 200 and w.district.name in own.content.decode()
        for body in (w.region, w.other_district):
            assert client.get(reverse("execution:agenda", args=["friday"]),
                              {"organisation": body.pk}).status_code == 403
            assert client.get(reverse("execution:agenda_pdf", args=["friday"]),
                              {"organisation": body.pk}).status_code == 403
    login(client, w.citizen)
    assert client.get(reverse("execution:agenda", args=["friday"])).status_code == 403


def test_controller_chooses_any_body(client, data):
    w = data
    login(client, w.observer)  # People's reception observer of the Namangan region (wide territory)
    with on(NOW):
        response = client.get(reverse("execution:agenda", args=["monday"]), {"organisation": w.district.pk})
        assert response.status_code == 200 and w.t.n["t11"] in response.content.decode()
        login(client, w.moj_ctl)
        assert client.get(reverse("execution:agenda", args=["monday"]),
                          {"organisation": w.other_district.pk}).status_code == 200


# --- discipline register -----------------------------------------------------------------------------------

def lines(register):
    return {(p.person.username if p.person else None, p.organisation.code):
            (len(p.not_executed), len(p.late), len(p.returned)) for p in register.people}


def test_discipline_register_lists_people_and_bodies(data):
    w = data
    with on(NOW):
        reg = queries.discipline_register(w.governor, w.region, date(2026, 6, 10))  # any day of the week
    assert reg.week == date(2026, 6, 8)
    assert lines(reg) == {
        ("region_exec", "nam-hok"): (1, 0, 0),  # T1 not executed, the named executor
        ("governor", "nam-hok"): (0, 0, 1),  # T5 returned by the Ministry; no person named → the head
        ("d_exec", "chust-hok"): (0, 1, 0),  # T11 executed late
        ("d_head", "chust-hok"): (0, 0, 1),  # T3 returned
        ("pop_head", "pop-hok"): (1, 0, 0),  # T1 not executed in Pop
    }
    by_body = {b.organisation.code: (b.not_executed, b.late, b.returned) for b in reg.bodies}
    assert by_body == {"nam-hok": (1, 0, 1), "chust-hok": (0, 1, 1), "pop-hok": (1, 0, 0)}
    late = next(p for p in reg.people if p.person == w.d_exec)
    assert [i.number for i in late.late] == [w.t.n["t11"]]
    with on(NOW):
        earlier = queries.discipline_register(w.governor, w.region, date(2026, 6, 1))
    assert lines(earlier)[("d_head", "chust-hok")] == (0, 0, 1)  # T4 returned on 5 June
    assert lines(earlier)[("d_exec", "chust-hok")] == (1, 0, 0)  # T11 (due 2 June) not executed by 8 June


def test_measure_recorded_shows_in_the_register(client, data):
    w = data
    login(client, w.governor)
    url = reverse("execution:measure_add")
    params = f"?organisation={w.district.pk}&person={w.d_head.pk}&week=2026-06-08&register={w.region.pk}"
    with on(NOW):
        page = client.get(url + params)
        assert page.status_code == 200 and w.t.n["t3"] in page.content.decode()
        bad = client.post(url + params, {"kind": "warning", "note": ""})
        assert bad.status_code == 400 and DisciplinaryMeasure.objects.count() == 0
        response = client.post(url + params, {"kind": "warning", "note": "T3 boʻyicha hisobot qaytarildi",
                                               "tasks": [str(w.t.t3.pk)]})
        assert response.status_code == 302
        register = client.get(response["Location"])
    measure = DisciplinaryMeasure.objects.get()
    assert (measure.person, measure.organisation, measure.week, measure.kind) == (
        w.d_head, w.district, date(2026, 6, 8), "warning")
    assert list(measure.tasks.all()) == [w.t.t3] and measure.recorded_by == w.governor
    html = register.content.decode()
    assert "Warning" in html and "T3 boʻyicha hisobot qaytarildi" in html
    from nazorat.core.models import Event

    assert Event.objects.filter(action="measure.recorded").count() == 1


def test_measure_by_an_executor_is_refused(client, data):
    w = data
    with on(NOW):
        with pytest.raises(PermissionDenied):
            measures.measure_record(actor=w.d_exec, organisation=w.district, person=w.d_head,
                                    week=date(2026, 6, 8), kind="warning", note="Ogohlantirish berilsin")
        with pytest.raises(PermissionDenied):  # a district cannot take measures against the region
            measures.measure_record(actor=w.d_cg, organisation=w.region, person=w.region_exec,
                                    week=date(2026, 6, 8), kind="warning", note="Ogohlantirish berilsin")
        login(client, w.d_exec)
        response = client.post(reverse("execution:measure_add")
                               + f"?organisation={w.district.pk}&person={w.d_head.pk}&week=2026-06-08",
                               {"kind": "warning", "note": "Ogohlantirish berilsin"})
    assert response.status_code == 403
    assert DisciplinaryMeasure.objects.count() == 0


def test_measure_input_is_checked(data):
    w = data
    with on(NOW):
        with pytest.raises(ValidationError) as exc:
            measures.measure_record(actor=w.d_cg, organisation=w.district, person=w.pop_exec,
                                    week=date(2026, 6, 9), kind="flogging", note="x", tasks=[w.t.t8.pk])
    assert set(exc.value.message_dict) == {"kind", "note", "week", "person", "tasks"}
    assert DisciplinaryMeasure.objects.count() == 0


def test_discipline_page_and_excel(client, data):
    w = data
    login(client, w.cg)
    with on(NOW):
        page = client.get(reverse("execution:discipline"), {"week": "2026-06-08"})
        xlsx = client.get(reverse("execution:discipline_xlsx"), {"week": "2026-06-08"})
    assert page.status_code == 200
    html = page.content.decode()
    assert w.pop_head.get_full_name() in html and "Record a measure" in html
    assert reverse("execution:task", args=[w.t.n["t11"]]) in html
    assert xlsx.status_code == 200
    wb = load_workbook(BytesIO(xlsx.content))
    people = list(wb.worksheets[0].iter_rows(values_only=True))
    assert people[1][:5] == ("Person", "Body", "Not executed", "Executed late", "Returned")
    assert len(people) == 2 + 5
    bodies = list(wb.worksheets[1].iter_rows(values_only=True))
    assert bodies[-1] == ("Total", 2, 1, 2, 0)


# --- monitoring ------------------------------------------------------------------------------------------

def figures(report):
    return {r.key: (*r.values, r.rating) for r in report.rows}


def test_monitoring_figures_and_rating(data):
    w = data
    with on(NOW):
        m = queries.monitoring(w.moj_ctl)
    f = figures(m)
    # columns: tasks, on time, late, overdue, in work, returns, rating
    # region: T5 on time, T1 overdue, 1 return → 100 × (1 − 0.1) / 2
    assert f[str(w.region.pk)] == (8, 1, 0, 1, 6, 1, 45.0)
    # Chust: T4 and T7 on time, T11 late, returns T3 T4 T7 → 100 × (2 + 0.5 − 0.3) / 3
    assert f[str(w.district.pk)] == (5, 2, 1, 0, 2, 3, 73.3)
    assert f[str(w.other_district.pk)] == (1, 0, 0, 1, 0, 0, 0.0)
    assert f[str(w.reception.pk)] == (1, 0, 0, 1, 0, 0, 0.0)
    assert (*m.total.values, m.total.rating) == (15, 3, 1, 3, 8, 4, 44.3)
    assert [r.organisation_id for r in m.rows][-1] == w.district.pk  # worst first
    assert queries.rating(2, 1, 0, 3) == 73.3


def test_monitoring_weights_come_from_settings(data, settings):
    w = data
    settings.NAZORAT_EXECUTION_RATING_WEIGHTS = {"late": 1.0, "return": 0.0}
    with on(NOW):
        m = queries.monitoring(w.moj_ctl)
    assert figures(m)[str(w.district.pk)][-1] == 100.0


def test_monitoring_by_territory_and_scope(data):
    w = data
    with on(NOW):
        t = queries.monitoring(w.moj_ctl, by="territory")
        cg = queries.monitoring(w.cg)
    f = {r.label: r.values for r in t.rows}
    region_row = t.rows[0]
    assert region_row.territory == "1714" and region_row.counts["total"] == 15
    assert f["Region level"][0] == 9 and [r.level for r in t.rows] == [0, 1, 1, 1]
    assert {r.organisation_id for r in cg.rows} == {w.region.pk, w.district.pk, w.other_district.pk}


def test_monitoring_page_drill_down_and_excel(client, data, django_assert_max_num_queries):
    w = data
    login(client, w.moj_ctl)
    with on(NOW):
        with django_assert_max_num_queries(20):
            page = client.get(reverse("execution:monitoring"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "73.3" in html and "45.0" in html
        body_url = reverse("execution:monitoring_body", args=[w.district.pk])
        assert body_url in html
        late = client.get(body_url, {"show": "late"})
        assert late.status_code == 200
        assert w.t.n["t11"] in late.content.decode() and w.t.n["t4"] not in late.content.decode()
        assert reverse("execution:task", args=[w.t.n["t11"]]) in late.content.decode()
        returns = client.get(body_url, {"show": "returns"}).content.decode()
        assert all(w.t.n[k] in returns for k in ("t3", "t4", "t7")) and w.t.n["t2"] not in returns
        by_territory = client.get(reverse("execution:monitoring"), {"by": "territory"})
        assert by_territory.status_code == 200
        xlsx = client.get(reverse("execution:monitoring_xlsx"))
    assert xlsx.status_code == 200
    sheet = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert sheet[2] == ("Body", "Tasks", "On time", "Late", "Overdue", "In work", "Returns", "Rating")
    chust = next(r for r in sheet if r[0] == w.district.name)
    assert chust[1:] == (5, 2, 1, 0, 2, 3, 73.3)
    assert sheet[-1] == ("Total", 15, 3, 1, 3, 8, 4, 44.3)


def test_district_executor_cannot_open_monitoring(client, data):
    w = data
    login(client, w.d_exec)
    with on(NOW):
        assert client.get(reverse("execution:monitoring")).status_code == 403
        assert client.get(reverse("execution:monitoring_xlsx")).status_code == 403
        assert client.get(reverse("execution:monitoring_body", args=[w.district.pk])).status_code == 403
        login(client, w.d_head)  # a head monitors, within the district only
        assert client.get(reverse("execution:monitoring")).status_code == 200
        assert client.get(reverse("execution:monitoring_body", args=[w.region.pk])).status_code == 403


def test_monitoring_paginates_the_bodies(client, data):
    w = data
    with on("2026-06-01 10:00"):
        for i in range(55):
            org = testing.org(name=f"Tashkilot {i:02d}", territory_code="1714", parent=w.region, code=f"extra-{i}")
            services.task_pass_on(assignment=lead(w.t.t2), actor=w.cg, organisation=org, due_at=date(2026, 6, 30),
                                  role="co_executor")
    login(client, w.moj_ctl)
    with on(NOW):
        first = client.get(reverse("execution:monitoring"), {"sort": "name"})
        second = client.get(reverse("execution:monitoring"), {"sort": "name", "page": 2})
    assert first.context["page"].paginator.count == 59
    assert len(first.context["page"].object_list) == 50 and len(second.context["page"].object_list) == 9


def test_pages_use_a_fixed_number_of_queries(client, data, django_assert_max_num_queries):
    w = data
    login(client, w.cg)
    with on(NOW):
        for url, params in ((reverse("execution:agenda", args=["friday"]), {}),
                            (reverse("execution:discipline"), {"week": "2026-06-08"}),
                            (reverse("execution:monitoring_body", args=[w.district.pk]), {})):
            with django_assert_max_num_queries(20):
                assert client.get(url, params).status_code == 200
