"""Reports (R-B10, R-B13, Art 35): the daily report by sector, territory and body; the published quarterly
statistics; the monthly ranking of executors and the list for accountability with template letters. The data
set is built through the real services, on known days (docs/appeals-reports.md has the definitions)."""

import io
import itertools
import subprocess
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from nazorat import testing
from nazorat.appeals import services
from nazorat.appeals.models import Appeal
from nazorat.appeals.reports import queries, similarity
from nazorat.orgs.models import Organisation

from .conftest import at

D = date(2026, 6, 3)
AUTHORS = ["Karimov", "Rahimov", "Yusupov", "Nazarov", "Tursunov", "Aliyev", "Qodirov", "Ergashev", "Sobirov",
           "Xolmatov", "Ismoilov", "Mirzayev"]
TOPICS = ["ichimlik suvi", "yoʻl taʼmiri", "issiqlik taʼminoti", "maktab qurilishi", "elektr taʼminoti",
          "gaz taʼminoti", "uy-joy masalasi", "kanalizatsiya", "bogʻcha joyi", "ijtimoiy yordam", "obodonlashtirish",
          "transport qatnovi"]
_n = itertools.count()


def submit(gov, **over):
    """A new author each time (no duplicate or repeat detection between the data set's appeals)."""
    i = next(_n) % len(AUTHORS)
    j = next(_n)
    data = dict(last_name=AUTHORS[i], email=f"a{j}@example.uz", phone=f"+99890{1000000 + j}",
                address=f"Namangan shahri, {j}-uy",
                text=f"Murojaat: {TOPICS[i]} boʻyicha muammo, hal qilishingizni soʻrayman.")
    data.update(over)
    return gov.submit(**data)


def in_work(gov, organisation, **over):
    appeal = submit(gov, **over)
    services.appeal_accept(appeal=appeal, actor=gov.cg)
    services.appeal_assign(appeal=appeal, actor=gov.wg, organisation=organisation)
    return appeal


def answer_and_accept(gov, appeal, outcome="satisfied", **over):
    gov.answer(appeal, outcome=outcome, **over)
    services.appeal_review(appeal=appeal, actor=gov.wg, accept=True)


@pytest.fixture
def sectors(gov):
    Organisation.objects.filter(pk=gov.utility.pk).update(sector="water")
    Organisation.objects.filter(pk=gov.department.pk).update(sector="housing")
    gov.tashkent = testing.org(name="Toshkent shahar hokimligi", territory_code="1726", code="tosh-hok")
    return gov


@pytest.fixture
def dataset(sectors):
    """Appeals around 3 June 2026 (a Wednesday); see each line for what the daily report must count."""
    gov = sectors
    s = {}
    with time_machine.travel(at("2026-03-16 10:00"), tick=False):       # Q1: answered (refused) in Q2
        s["a0"] = in_work(gov, gov.district, territory="1714224")
    with time_machine.travel(at("2026-04-01 11:00"), tick=False):
        answer_and_accept(gov, s["a0"], outcome="refused")
    with time_machine.travel(at("2026-05-05 10:00"), tick=False):       # with the utility, overdue on D
        s["a2"] = in_work(gov, gov.utility, territory="1714")
    with time_machine.travel(at("2026-06-01 10:00"), tick=False):       # answered on D
        s["a5"] = in_work(gov, gov.district, territory="1714224")
    with time_machine.travel(at("2026-06-02 10:00"), tick=False):
        s["a1"] = in_work(gov, gov.district, territory="1714224")       # in work with the district
        s["a7"] = submit(gov, territory="1714224")                      # left unconsidered on D
    with time_machine.travel(at("2026-06-03 10:00"), tick=False):
        s["a3"] = submit(gov, territory="1714224")                      # received, not yet accepted
        s["a4"] = in_work(gov, gov.department, territory="1714")        # received, with the department
        s["tash"] = submit(gov, addressee=gov.tashkent.pk, territory="1726")
        s["a8"] = submit(gov, territory="1714")                         # received, forwarded to the utility
        services.appeal_forward(appeal=s["a8"], actor=gov.wg, to=gov.utility, reason="Suv taʼminoti masalasi.")
        s["a8b"] = Appeal.objects.get(forwarded_from=s["a8"])
        services.appeal_leave_unconsidered(appeal=s["a7"], actor=gov.governor, conclusion="Manzil koʻrsatilmagan.")
    with time_machine.travel(at("2026-06-03 15:00"), tick=False):
        answer_and_accept(gov, s["a5"])
    with time_machine.travel(at("2026-06-03 20:00"), tick=False):       # after hours: registered on 4 June
        s["late"] = submit(gov, territory="1714")
    return s


def row(rows, key):
    return next(r for r in rows if r.key == str(key)).values


@pytest.fixture
def boss(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("boss", "boss@example.uz", testing.PASSWORD)


# --- 1. daily report ----------------------------------------------------------------------------------------

def test_daily_report_counts_per_sector_territory_and_body(gov, dataset, boss):
    assert dataset["late"].registered_on == date(2026, 6, 4)
    report = queries.daily_report(boss, D, now=at("2026-06-04 09:00"))
    #                                   received, in work, answered, overdue
    assert report.total.values == [5, 6, 1, 1]
    assert row(report.by_sector, "general") == [3, 3, 1, 0]     # region (a3, a8), district (a1, a5), Tashkent
    assert row(report.by_sector, "water") == [1, 2, 0, 1]       # utility: a2 (overdue), a8's new appeal
    assert row(report.by_sector, "housing") == [1, 1, 0, 0]     # department: a4
    assert row(report.by_body, gov.region.pk) == [2, 1, 0, 0]   # a3 (unassigned) and a8 (forwarded)
    assert row(report.by_body, gov.district.pk) == [0, 1, 1, 0]
    assert row(report.by_body, gov.utility.pk) == [1, 2, 0, 1]
    assert row(report.by_body, gov.department.pk) == [1, 1, 0, 0]
    assert row(report.by_body, gov.tashkent.pk) == [1, 1, 0, 0]
    assert row(report.by_territory, "1714") == [4, 5, 1, 1]
    assert row(report.by_territory, "1714224") == [1, 2, 1, 0]  # Chust: a1, a3, a5
    assert [r.key for r in report.by_territory] == ["1714", "1714:region", "1714224", "1726", "1726:region"]
    assert row(report.by_territory, "1714:region") == [3, 3, 0, 1]  # a2, a4, a8, a8's new appeal
    assert row(report.by_territory, "1726") == [1, 1, 0, 0]
    # The day before: a1 received; a0 answered in April is nowhere; a2 already overdue.
    before = queries.daily_report(boss, D - timedelta(days=1), now=at("2026-06-04 09:00"))
    assert before.total.values == [2, 4, 0, 1]  # received a1, a7; in work a1, a2, a5, a7


def test_daily_report_is_scoped_to_what_the_user_sees(gov, dataset, boss):
    mine = queries.daily_report(gov.wg, D, now=at("2026-06-04 09:00"))
    assert gov.tashkent.pk not in {int(r.key) for r in mine.by_body}
    # Neither Tashkent's appeal nor the one forwarded into the utility's register is the region's.
    assert mine.total.values == [3, 4, 1, 1]


def test_daily_page_excel_and_pdf(client, gov, dataset, boss):
    client.force_login(boss)
    page = client.get("/appeals/reports/daily/?date=2026-06-03")
    assert page.status_code == 200
    assert b"Toshkent shahar hokimligi" in page.content and b"Drinking water and sewage" in page.content
    xlsx = client.get("/appeals/reports/daily/xlsx/?date=2026-06-03")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert wb.sheetnames == ["By sector", "By territory", "By body"]
    rows = list(wb["By body"].iter_rows(values_only=True))
    assert rows[1] == ("Body", "Received", "In work", "Answered", "Overdue")
    assert ("Toshkent shahar hokimligi", 1, 1, 0, 0) in rows
    assert rows[-1][0] == "Total" and sum(rows[-1][1:]) > 0
    by_sector = list(wb["By sector"].iter_rows(values_only=True))
    assert ("Drinking water and sewage", 1, 2, 0, 1) in by_sector
    got = client.get("/appeals/reports/daily/pdf/?date=2026-06-03")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=got.content, capture_output=True,
                          check=True).stdout.decode()
    assert "Daily report on appeals for 2026-06-03" in text
    total_line = [line for line in text.splitlines() if line.strip().startswith("Total")][0]
    assert total_line.split()[1:] == [str(v) for v in rows[-1][1:]]
    assert "Suvoqova" in text and "Toshkent shahar hokimligi" in text


def test_staff_reports_are_refused_to_the_unentitled(client, gov, dataset):
    assert client.get("/appeals/reports/daily/").status_code == 302           # not signed in
    assert client.get("/appeals/reports/incentives/").status_code == 302
    citizen = testing.citizen(username="fuqaro")
    client.force_login(citizen)
    assert client.get("/appeals/reports/daily/").status_code == 403
    assert client.get("/appeals/reports/daily/xlsx/").status_code == 403
    assert client.get("/appeals/reports/daily/pdf/").status_code == 403
    client.force_login(gov.d_exec)                                             # staff, but only an executor
    assert client.get("/appeals/reports/daily/").status_code == 200
    assert client.get("/appeals/reports/incentives/").status_code == 403
    assert client.get("/appeals/reports/incentives/xlsx/").status_code == 403
    client.force_login(gov.cg)
    assert client.get("/appeals/reports/incentives/?year=2026&month=6").status_code == 200


# --- 2. quarterly statistics (Art 35) -------------------------------------------------------------------------

def test_quarterly_statistics_per_body_and_total(gov, dataset):
    stats = queries.quarterly_statistics(2026, 2)
    by = {r.label: dict(zip(queries.QUARTERLY_COLUMNS, r.values)) for r in stats.by_body}
    region = by["Namangan viloyati hokimligi"]
    # received a1 a2 a3 a4 a5 a7 a8 and the one registered on 4 June;
    # considered a0 (refused; received in Q1) and a5 (satisfied)
    assert (region["received"], region["considered"], region["satisfied"], region["refused"],
            region["left_unconsidered"], region["forwarded"], region["terminated"]) == (8, 2, 1, 1, 1, 1, 0)
    assert by["Suvoqova"]["received"] == 1 and by["Toshkent shahar hokimligi"]["received"] == 1
    total = dict(zip(queries.QUARTERLY_COLUMNS, stats.total.values))
    assert (total["received"], total["considered"], total["satisfied"], total["refused"],
            total["left_unconsidered"], total["forwarded"]) == (10, 2, 1, 1, 1, 1)
    assert total["considered"] == sum(total[c] for c in ("satisfied", "partly_satisfied", "explained", "refused",
                                                         "no_outcome"))
    q1 = queries.quarterly_statistics(2026, 1)
    assert q1.total.counts["received"] == 1 and q1.total.counts["considered"] == 0


def test_published_statistics_are_public_and_name_nobody(client, gov, dataset):
    page = client.get("/appeals/reports/quarterly/?year=2026&q=2")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Namangan viloyati hokimligi" in body
    for name in AUTHORS + ["Alisher", "Bahodirovich", "Ijrochiyev", "Hokimov", "M-"]:
        assert name not in body
    xlsx = client.get("/appeals/reports/quarterly/xlsx/?year=2026&q=2")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[1][:7] == ("Body", "Received", "Considered", "Satisfied", "Partly satisfied", "Explained", "Refused")
    assert rows[-1][0] == "Total" and rows[-1][1:3] == (10, 2)
    assert ("Namangan viloyati hokimligi", 8, 2, 1, 0, 0, 1) in [r[:7] for r in rows]


# --- 3. incentives, sanctions and template letters ------------------------------------------------------------

LETTER = ("Hurmatli {name}! Sizning {day} dagi {n}-sonli murojaatingiz tuman hokimligida koʻrib chiqildi. "
          "Mahallangizdagi ichimlik suvi taʼminoti boʻyicha tegishli choralar koʻrilmoqda, suv tarmogʻi "
          "taʼmirlanib muammo yaqin kunlarda toʻliq hal etiladi. Qoʻshimcha savollar boʻlsa, hokimlikka "
          "murojaat qilishingiz mumkin. Hurmat bilan, tuman hokimi B. Hokimov.")
HOUSING = ("Hurmatli {name}! Uy-joy boshqarmasi koʻp qavatli uyingiz tomini taʼmirlash ishlarini rejaga "
           "kiritdi; pudratchi tashkilot iyul oyida ishlarni boshlaydi, smeta {n} soʻm miqdorida tasdiqlandi.")
WATER = ("Hurmatli {name}! Suvoqova korxonasi hisoblagichingizni qayta tekshirdi va oʻtgan oy uchun "
         "hisoblangan toʻlov notoʻgʻri ekanligi aniqlandi; {n} soʻm qayta hisob-kitob qilindi.")


def letter(template, **values):
    from weasyprint import HTML

    body = template.format(**values)
    data = HTML(string=f"<html><body><p style='font-family: DejaVu Sans'>{body}</p></body></html>").write_pdf()
    return SimpleUploadedFile("javob.pdf", data, content_type="application/pdf")


def test_normalisation_and_near_identical_detection():
    a = similarity.normalise(LETTER.format(name="Karimov Alisher", day="3-iyun 2026", n=17), ("Karimov", "Alisher"))
    b = similarity.normalise(LETTER.format(name="Rahimov Botir", day="5 iyun 2026", n=204), ("Rahimov", "Botir"))
    assert a == b and not any(ch.isdigit() for w in a for ch in w)
    docs = {1: similarity.shingles(a), 2: similarity.shingles(b),
            3: similarity.shingles(similarity.normalise(HOUSING.format(name="X", n=5))),
            4: similarity.shingles(similarity.normalise(WATER.format(name="Y", n=7)))}
    assert similarity.near_identical_pairs(docs) == [(1, 2, 1.0)]
    assert similarity.near_identical_pairs(docs, groups={1: "same", 2: "same"}) == []
    # An edited letter: a few words changed stays below 0.8 ...
    edited = LETTER.replace("tegishli choralar koʻrilmoqda", "ariza rad etildi, chunki").replace(
        "yaqin kunlarda toʻliq hal etiladi", "qonunga zid").replace("Qoʻshimcha savollar", "Shikoyat")
    c = similarity.shingles(similarity.normalise(edited.format(name="Z", day="", n=1)))
    assert similarity.jaccard(docs[1], c) < similarity.THRESHOLD
    # ... and a many-document run finds only the planted pair.
    many = {k: similarity.shingles(f"hujjat {k} matni {k * 7} boʻyicha maxsus javob soʻz{k} va soʻz{k + 1}".split())
            for k in range(10, 500)}
    many.update({1: docs[1], 2: docs[2]})
    assert [(p[0], p[1]) for p in similarity.near_identical_pairs(many)] == [(1, 2)]


@pytest.fixture
def month(sectors):
    """June 2026: the district answers two appeals on time at the first round with the same template letter
    (rated 5 and 4); the department's answer is returned once, then accepted on time (no rating); the utility
    answers late at the first round (rated 3)."""
    gov = sectors
    u_head = testing.staff(gov.utility, position="head", roles=("signatory",), username="u_head")
    s = {}
    with time_machine.travel(at("2026-06-01 10:00"), tick=False):
        s["d1"] = in_work(gov, gov.district)
        s["d2"] = in_work(gov, gov.district)
        s["dep"] = in_work(gov, gov.department)
        s["u"] = submit(gov)
        services.appeal_accept(appeal=s["u"], actor=gov.cg)
        services.appeal_assign(appeal=s["u"], actor=gov.wg, organisation=gov.utility, due_at=at("2026-06-05 18:00"))
    with time_machine.travel(at("2026-06-04 10:00"), tick=False):
        for key, name, n in (("d1", "Karimov Alisher", 11), ("d2", "Rahimov Botir", 12)):
            answer_and_accept(gov, s[key], upload=letter(LETTER, name=name, day="1 iyun 2026", n=n))
        gov.answer(s["dep"], actor=gov.dep_exec, signer=gov.dep_head, executor=gov.dep_exec,
                   upload=letter(HOUSING, name="Yusupov", n=100))
        services.appeal_review(appeal=s["dep"], actor=gov.wg, accept=False, reasons="Muddat koʻrsatilmagan.")
    with time_machine.travel(at("2026-06-08 10:00"), tick=False):
        answer_and_accept(gov, s["dep"], actor=gov.dep_exec, signer=gov.dep_head, executor=gov.dep_exec,
                          upload=letter(HOUSING, name="Yusupov", n=100))
        answer_and_accept(gov, s["u"], actor=gov.u_exec, signer=u_head, executor=gov.u_exec,
                          upload=letter(WATER, name="Nazarov", n=5000))
    for key, rating in (("d1", 5), ("d2", 4), ("u", 3)):
        Appeal.objects.filter(pk=s[key].pk).update(rating=rating)
    return s


def test_incentives_ranking_and_accountability(gov, month, boss):
    report = queries.incentives_report(boss, 2026, 6, now=at("2026-07-01 09:00"))
    ranking = [(r.organisation, r.answered, r.on_time, r.first_round, r.average_rating, r.score)
               for r in report.ranking]
    assert ranking == [
        ("Chust tumani hokimligi", 2, 2, 2, 4.5, 96.2),       # 100·(0.4 + 0.3 + 0.3·0.875)
        ("Uy-joy boshqarmasi", 1, 1, 0, None, 57.1),          # 100·0.4 / 0.7
        ("Suvoqova", 1, 0, 1, 3.0, 45.0),                     # 100·(0.3 + 0.3·0.5)
    ]
    assert report.ranking[0].person == "Ijrochiyev Dilshod"
    flags = {(f.kind, f.number) for f in report.flags}
    numbers = {k: a.number for k, a in month.items()}
    assert flags == {("late", numbers["u"]), ("returned", numbers["dep"]),
                     ("template", numbers["d1"]), ("template", numbers["d2"])}
    assert report.answers_compared == 5 and report.answers_without_text == 0


def test_incentive_weights_come_from_settings(gov, month, boss, settings):
    settings.NAZORAT_INCENTIVE_WEIGHTS = {"on_time": 0.0, "first_round": 1.0, "rating": 0.0}
    report = queries.incentives_report(boss, 2026, 6, now=at("2026-07-01 09:00"))
    assert [(r.organisation, r.score) for r in report.ranking] == [
        ("Chust tumani hokimligi", 100.0), ("Suvoqova", 100.0), ("Uy-joy boshqarmasi", 0.0)]


def test_overdue_without_answer_is_listed(gov, sectors, boss):
    with time_machine.travel(at("2026-06-01 10:00"), tick=False):
        appeal = in_work(gov, gov.district)
    report = queries.incentives_report(boss, 2026, 6, now=at("2026-07-01 09:00"))
    assert [(f.kind, f.number) for f in report.flags] == [("overdue", appeal.number)]
    assert report.ranking == []


def test_incentives_page_and_excel(client, gov, month):
    client.force_login(gov.cg)
    page = client.get("/appeals/reports/incentives/?year=2026&month=6")
    assert page.status_code == 200 and b"Template letter" in page.content
    xlsx = client.get("/appeals/reports/incentives/xlsx/?year=2026&month=6")
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    ranking = list(wb["Ranking"].iter_rows(values_only=True))
    assert ranking[0] == ("Rank", "Body", "Responsible person", "Answers accepted", "On time, %",
                          "Accepted at the first round, %", "Average rating", "Score")
    assert [r[1] for r in ranking[1:]] == ["Chust tumani hokimligi", "Uy-joy boshqarmasi", "Suvoqova"]
    flags = list(wb["For accountability"].iter_rows(values_only=True))
    assert flags[0][:2] == ("Reason", "Appeal")
    assert sorted(r[0] for r in flags[1:]) == ["Late answer", "Returned at review", "Template letter",
                                               "Template letter"]
