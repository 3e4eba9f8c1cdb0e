"""Demo data: a believable Namangan region with its bodies, people for every role, and some work.

Loaded by ``manage.py seed_demo`` (and ``make run``). Idempotent: rows are found by their code or login
and only missing ones are created, so a second run adds nothing. Everything goes through the services,
so the demo has the same events and invariants as real data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from nazorat.accounts.models import AccountKind, User
from nazorat.orgs import services as org_services
from nazorat.orgs.models import Membership, Organisation, Unit
from nazorat.territories.models import Territory

DEMO_PASSWORD = "demo-Nazorat-2026"
REGION = "1714"  # Namangan viloyati


@dataclass(frozen=True)
class Body:
    code: str
    kind: str
    level: str
    name_uz: str
    name_ru: str
    name_en: str
    parent: str | None = None
    territory: str | None = None
    sector: str = "general"


REPUBLICAN = [
    Body("pa", "presidential_administration", "republic", "Oʻzbekiston Respublikasi Prezidenti Administratsiyasi",
         "Администрация Президента Республики Узбекистан", "Presidential Administration of the Republic of Uzbekistan"),
    Body("cabinet", "cabinet", "republic", "Oʻzbekiston Respublikasi Vazirlar Mahkamasi",
         "Кабинет Министров Республики Узбекистан", "Cabinet of Ministers of the Republic of Uzbekistan"),
    Body("moj", "justice", "republic", "Oʻzbekiston Respublikasi Adliya vazirligi",
         "Министерство юстиции Республики Узбекистан", "Ministry of Justice of the Republic of Uzbekistan"),
    Body("accounts-chamber", "accounts_chamber", "republic", "Oʻzbekiston Respublikasi Hisob palatasi",
         "Счётная палата Республики Узбекистан", "Accounts Chamber of the Republic of Uzbekistan"),
    Body("prosecutor", "prosecutor", "republic", "Oʻzbekiston Respublikasi Bosh prokuraturasi",
         "Генеральная прокуратура Республики Узбекистан", "General Prosecutor's Office of the Republic of Uzbekistan"),
    Body("digital", "digital_department", "republic", "Raqamli departament",
         "Цифровой департамент", "Digital Department"),
    Body("water", "ministry", "republic", "“Oʻzsuvtaʼminot” aksiyadorlik jamiyati",
         "Акционерное общество «Узсувтаъминот»", "Uzsuvtaminot JSC (water supply)", sector="water"),
    Body("power", "ministry", "republic", "“Hududiy elektr tarmoqlari” aksiyadorlik jamiyati",
         "Акционерное общество «Региональные электрические сети»", "Regional Electric Networks JSC", sector="electricity"),
    Body("gas", "ministry", "republic", "“Hududgaztaʼminot” aksiyadorlik jamiyati",
         "Акционерное общество «Худудгазтаъминот»", "Hududgaztaminot JSC (gas supply)", sector="gas"),
    Body("roads", "ministry", "republic", "Avtomobil yoʻllari qoʻmitasi",
         "Комитет автомобильных дорог", "Committee for Roads", sector="roads"),
    Body("housing", "ministry", "republic", "Uy-joy kommunal xizmat koʻrsatish vazirligi",
         "Министерство жилищно-коммунального обслуживания", "Ministry of Housing and Communal Services",
         sector="housing"),
]

# Regional units of the utilities and their district units: (code prefix, parent, kind name uz/ru/en).
UTILITIES = [
    ("water", "suv taʼminoti boshqarmasi", "управление водоснабжения", "water supply department", "water"),
    ("power", "hududiy elektr tarmoqlari korxonasi", "предприятие региональных электрических сетей",
     "regional electric networks", "electricity"),
    ("gas", "gaz taʼminoti filiali", "филиал газоснабжения", "gas supply branch", "gas"),
    ("roads", "avtomobil yoʻllari boshqarmasi", "управление автомобильных дорог", "roads department", "roads"),
    ("housing", "uy-joy kommunal xizmat koʻrsatish boshqarmasi", "управление жилищно-коммунального обслуживания",
     "housing and communal services department", "housing"),
]


@dataclass(frozen=True)
class Login:
    username: str
    last_name: str
    first_name: str
    patronymic: str
    org: str
    position: str
    roles: tuple[str, ...]
    title: str
    what: str  # what the demo user shows, for the README and the printed list
    unit: str | None = None


LOGINS = [
    Login("admin", "Rahimov", "Jasur", "Olimovich", "digital", "head", ("administrator", "operator"),
          "Raqamli departament boshligʻi", "administrator (also Django admin)"),
    Login("operator", "Yoʻldosheva", "Malika", "Sobirovna", "digital", "specialist", ("operator",),
          "Bosh mutaxassis", "operator of the platform"),
    Login("hokim", "Toʻxtasinov", "Alisher", "Baxtiyorovich", "nam-hok", "head", ("signatory",),
          "Namangan viloyati hokimi", "signatory (regional governor; sets up a second factor at first login)"),
    Login("nazorat", "Qodirov", "Bekzod", "Anvarovich", "nam-hok", "unit_head", ("control_group",),
          "Ijro nazorati guruhi rahbari", "control group of the regional hokimlik", unit="Ijro nazorati guruhi"),
    Login("ishchi", "Karimova", "Dilnoza", "Rustamovna", "nam-hok", "specialist", ("reviewer",),
          "Ishchi guruh aʼzosi", "reviewer (working group of the electronic reception)",
          unit="Murojaatlar bilan ishlash sektori"),
    Login("ijrochi", "Ergashev", "Sardor", "Ilhomovich", "nam-chust-hok", "specialist", ("executor",),
          "Chust tumani hokimligi bosh mutaxassisi", "executor in a district hokimlik"),
    Login("chust_hokim", "Mirzayev", "Oybek", "Tohirovich", "nam-chust-hok", "head", ("signatory",),
          "Chust tumani hokimi", "signatory of a district (second factor at first login)"),
    Login("suvchi", "Nazarov", "Ulugʻbek", "Shukurovich", "water-nam-chust", "specialist", ("executor",),
          "Chust tumani suv taʼminoti boʻlimi muhandisi", "executor in a utility's district unit"),
    Login("adliya", "Saidova", "Nodira", "Akmalovna", "nam-justice", "unit_head", ("controller", "control_group"),
          "Ijro intizomi nazorati boʻlimi boshligʻi", "controller (regional Justice department)"),
    Login("orinbosar", "Abdullayev", "Rustam", "Karimovich", "nam-hok", "first_deputy", ("control_group",),
          "Namangan viloyati hokimining birinchi oʻrinbosari",
          "first deputy of the regional governor (confirms execution reports, approves control plans)"),
    Login("chust_orinbosar", "Yusupova", "Gulnora", "Baxodirovna", "nam-chust-hok", "first_deputy", ("control_group",),
          "Chust tumani hokimining birinchi oʻrinbosari",
          "first deputy of the Chust governor (registers and passes on tasks, confirms reports)"),
    Login("adliya_vazirlik", "Xolmatov", "Shavkat", "Erkinovich", "moj", "unit_head", ("controller", "control_group"),
          "Ijro intizomini nazorat qilish departamenti boshligʻi",
          "controller of the Ministry of Justice (puts tasks on control, first reviewer, decides extensions)"),
    Login("vazirlar", "Tursunov", "Anvar", "Sobirovich", "cabinet", "unit_head", ("controller",),
          "Vazirlar Mahkamasi Ijro nazorati xizmati boshligʻi", "reviewer at the Cabinet of Ministers (second step)"),
    Login("hisob", "Qosimova", "Zarina", "Olimovna", "accounts-chamber", "unit_head", ("controller",),
          "Hisob palatasi auditori", "Accounts Chamber (last reviewer: removes tasks from control)"),
    Login("kuzatuvchi", "Hamidov", "Farrux", "Jamshidovich", "nam-reception", "specialist", ("observer",),
          "Xalq qabulxonasi mutaxassisi", "observer (People's reception office)"),
]

CITIZENS = [
    ("fuqaro", "Usmonov", "Jahongir", "Anvar oʻgʻli", "fuqaro@example.uz", "+998901234567", AccountKind.INDIVIDUAL,
     "citizen"),
]


def _territory(code: str) -> Territory:
    return Territory.objects.get(code=code)


def _district_slug(t: Territory) -> str:
    """chust, pop, namangan, namangan-city … — readable codes for the district bodies."""
    from django.utils.text import slugify

    slug = slugify(t.name_en or t.name_uz) or t.code
    return slug.removesuffix("-district")


def _create_body(b: Body, out: list[str]) -> Organisation:
    existing = Organisation.objects.filter(code=b.code).first()
    if existing:
        return existing
    parent = Organisation.objects.get(code=b.parent) if b.parent else None
    org = org_services.organisation_create(
        actor=None, code=b.code, name_uz=b.name_uz, name_ru=b.name_ru, name_en=b.name_en, kind=b.kind, level=b.level,
        territory=_territory(b.territory) if b.territory else None, parent=parent, sector=b.sector,
    )
    out.append(b.code)
    return org


def _district_name(t: Territory) -> tuple[str, str, str]:
    return t.name_uz, t.name_ru or t.name_uz, t.name_en or t.name_uz


@transaction.atomic
def seed(stdout=None) -> dict:
    created: list[str] = []
    if not Territory.objects.filter(code=REGION).exists():
        # The territory tree ships with the migrations; load it again if the table was emptied.
        from nazorat.territories.loading import load_territories

        load_territories(model=Territory)
    for b in REPUBLICAN:
        _create_body(b, created)
    region = _territory(REGION)
    bodies = [
        Body("nam-hok", "hokimlik", "region", "Namangan viloyati hokimligi", "Хокимият Наманганской области",
             "Namangan Regional Governor's Office", parent="cabinet", territory=REGION),
        Body("nam-justice", "justice", "region", "Namangan viloyati adliya boshqarmasi",
             "Управление юстиции Наманганской области", "Namangan Regional Department of Justice", parent="moj",
             territory=REGION),
        Body("nam-reception", "peoples_reception", "region",
             "Oʻzbekiston Respublikasi Prezidentining Namangan viloyatidagi Xalq qabulxonasi",
             "Народная приёмная Президента Республики Узбекистан в Наманганской области",
             "People's Reception Office of the President in Namangan Region", parent="pa", territory=REGION),
        Body("nam-accounts", "accounts_chamber", "region", "Hisob palatasining Namangan viloyati hududiy boshqarmasi",
             "Территориальное управление Счётной палаты по Наманганской области",
             "Accounts Chamber, Namangan regional office", parent="accounts-chamber", territory=REGION),
    ]
    for b in bodies:
        _create_body(b, created)
    for prefix, uz, ru, en, sector in UTILITIES:
        _create_body(Body(f"{prefix}-nam", "ministry_unit", "region", f"Namangan viloyati {uz}",
                          f"Наманганское областное {ru}", f"Namangan regional {en}", parent=prefix, territory=REGION,
                          sector=sector), created)
    districts = list(Territory.objects.filter(parent=region, level="district").order_by("code"))
    for t in districts:
        uz, ru, en = _district_name(t)
        slug = _district_slug(t)
        _create_body(Body(f"nam-{slug}-hok", "hokimlik", "district", f"{uz} hokimligi", f"Хокимият: {ru}",
                          f"{en} Governor's Office", parent="nam-hok", territory=t.code), created)
        for prefix, uz_kind, ru_kind, en_kind, sector in UTILITIES:
            unit_uz = uz_kind.replace("boshqarmasi", "boʻlimi").replace("korxonasi", "tarmoqlari").replace(
                "filiali", "boʻlimi")
            _create_body(Body(f"{prefix}-nam-{slug}", "ministry_unit", "district", f"{uz} {unit_uz}",
                              f"{ru}: {ru_kind}", f"{en} {en_kind}", parent=f"{prefix}-nam", territory=t.code,
                              sector=sector), created)
    # units of the regional hokimlik
    hok = Organisation.objects.get(code="nam-hok")
    for name_uz, name_ru, name_en in [
        ("Ijro nazorati guruhi", "Группа контроля исполнения", "Execution control group"),
        ("Murojaatlar bilan ishlash sektori", "Сектор по работе с обращениями", "Appeals sector"),
        ("Umumiy boʻlim", "Общий отдел", "General department"),
    ]:
        if not Unit.objects.filter(organisation=hok, name_uz=name_uz).exists():
            org_services.unit_create(actor=None, organisation=hok, name_uz=name_uz, name_ru=name_ru, name_en=name_en)
    # mahallas: a few per district of the whole country
    mahallas = 0
    try:
        from nazorat.territories.demo import generate_demo_mahallas

        codes = list(Territory.objects.filter(level="district").values_list("code", flat=True))
        mahallas = generate_demo_mahallas(codes, per_district=3)
    except ImportError:  # pragma: no cover - territories app always ships it
        pass
    people = _seed_people()
    letters = _seed_work()
    _seed_appeals()
    _seed_receptions()
    _seed_execution()
    return {"organisations": len(created), "people": people, "letters": letters, "mahallas": mahallas}


def _seed_people() -> int:
    made = 0
    for login in LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = org_services.person_create(
                actor=None, username=login.username, first_name=login.first_name, last_name=login.last_name,
                patronymic=login.patronymic, email=f"{login.username}@nazorat.example.uz", password=DEMO_PASSWORD,
            )
            made += 1
        if login.username == "admin" and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        org = Organisation.objects.get(code=login.org)
        if not Membership.objects.filter(user=user, organisation=org, is_active=True).exists():
            unit = Unit.objects.filter(organisation=org, name_uz=login.unit).first() if login.unit else None
            org_services.membership_create(actor=None, user=user, organisation=org, position=login.position,
                                           roles=login.roles, title=login.title, unit=unit)
    for username, last, first, patronymic, email, phone, kind, _what in CITIZENS:
        if not User.objects.filter(username=username).exists():
            user = org_services.person_create(actor=None, username=username, first_name=first, last_name=last,
                                              patronymic=patronymic, email=email, phone=phone, password=DEMO_PASSWORD,
                                              kind=kind)
            User.objects.filter(pk=user.pk).update(email_confirmed=True, phone_confirmed=True)
            made += 1
    return made


def _seed_work() -> int:
    """A few official letters from the regional hokimlik to the Chust district, so inboxes show work."""
    from nazorat.cases import services as case_services
    from nazorat.cases.models import Case

    if Case.objects.filter(kind="letter").exists():
        return 0
    controller = User.objects.get(username="nazorat")
    region = Organisation.objects.get(code="nam-hok")
    chust = Organisation.objects.get(code="nam-chust-hok")
    water = Organisation.objects.get(code="water-nam-chust")
    now = timezone.now()
    items = [
        ("Kuz-qish mavsumiga tayyorgarlik ishlari toʻgʻrisida maʼlumot berish",
         "Tuman hududidagi ijtimoiy obyektlarning isitish tizimlari holati boʻyicha maʼlumot taqdim etilsin.",
         "5 working_days", chust),
        ("Ichimlik suvi taʼminoti boʻyicha fuqarolar murojaatlarini oʻrganish",
         "Chust tumanidagi mahallalarda ichimlik suvi taʼminoti uzilishlari sabablari oʻrganilsin.",
         "3 working_days", water),
        ("Obodonlashtirish ishlari rejasini kelishish", "2027-yil uchun obodonlashtirish rejasi loyihasi kelishilsin.",
         "15 calendar_days", chust),
    ]
    for title, summary, rule, executor in items:
        case = case_services.case_open(kind="letter", actor=controller, owner=region, title=title, summary=summary,
                                       territory=region.territory, deadline_rule=rule, opened_at=now)
        case_services.assignment_create(case=case, actor=controller, organisation=executor,
                                        steps=[case_services.StepSpec("register", "30 working_minutes")])
    return len(items)


def _seed_receptions() -> int:
    """Published reception schedules of the regional and the Chust district governors, with four weeks of
    times, so a citizen can book one in the demo."""
    from datetime import time, timedelta

    from nazorat.receptions import services as reception_services
    from nazorat.receptions.models import ReceptionSchedule

    if ReceptionSchedule.objects.exists():
        return 0
    made = 0
    for username, place, weekdays, start, end, kind in [
        ("hokim", "Namangan shahri, Islom Karimov koʻchasi 2, viloyat hokimligi, 1-qavat qabulxona", [2], 10, 13,
         "personal"),
        ("chust_hokim", "Chust tumani, Navbahor MFY guzari", [4], 14, 17, "mobile"),
    ]:
        membership = Membership.objects.active().filter(user__username=username).first()
        if membership is None:
            continue
        territory = None
        if kind == "mobile":  # a mobile reception names the mahalla it visits
            district = membership.organisation.territory
            territory = Territory.objects.filter(parent=district, level="mahalla").order_by("code").first() or district
        schedule = reception_services.schedule_create(
            actor=membership.user, official=membership, kind=kind, place_uz=place, start_time=time(start),
            end_time=time(end), weekdays=weekdays, publish=True, territory=territory)
        reception_services.slots_generate(until=timezone.localdate() + timedelta(days=28), schedule=schedule,
                                          actor=membership.user)
        made += 1
    return made


def _seed_appeals() -> int:
    """A few citizens' appeals in the register of the Namangan regional hokimlik (through the portal's service,
    so they are numbered, given terms and work items like real ones). Skipped when appeals exist."""
    from nazorat.appeals import services as appeal_services
    from nazorat.appeals.models import Appeal

    if Appeal.objects.exists():
        return 0
    region = Organisation.objects.get(code="nam-hok")
    items = [
        ("individual", "Toʻxtasinov", "Jasur", "Namangan shahri, Boburshoh koʻchasi 5", "complaint", REGION,
         "Mahallamizda ichimlik suvi ikki haftadan beri kelmayapti, chora koʻrishingizni soʻrayman.", False),
        ("individual", "Abdullayeva", "Malika", "Chust tumani, Gulbogʻ MFY", "application", "1714224",
         "Farzandimni maktabgacha taʼlim tashkilotiga joylashtirishda yordam berishingizni soʻrayman.", False),
        ("individual", "Rahimov", "Otabek", "Pop tumani, Navbahor MFY", "proposal", REGION,
         "Tuman markazida yangi avtobus yoʻnalishi ochish taklifini bildiraman, aholi uchun qulay boʻladi.", False),
        ("individual", "Sodiqova", "Nodira", "Namangan shahri, Davlatobod tumani", "complaint", REGION,
         "Qoʻshni xonadon tomonidan noqonuniy qurilish olib borilmoqda, oʻrganib chiqishingizni soʻrayman.", True),
    ]
    for kind, last, first, address, appeal_kind, territory, text, private in items:
        appeal_services.appeal_submit(data={
            "applicant_kind": kind, "last_name": last, "first_name": first, "address": address,
            "kind": appeal_kind, "addressee": region.pk, "territory": territory, "text": text,
            "do_not_disclose": private, "language": "uz"})
    return len(items)


def _seed_execution() -> int:
    """Execution control: a presidential resolution on the Ministry of Justice's control (public, with three
    tasks: one passed from the region to the Chust district, one with no deadline and its six-monthly reports,
    one not yet on control) and an order of the regional governor on the regional hokimlik's own control."""
    from datetime import date, timedelta

    from nazorat.cases.models import Assignment
    from nazorat.execution import services as ex
    from nazorat.execution.models import ControlDocument

    if ControlDocument.objects.exists():
        return 0
    moj_ctl = User.objects.get(username="adliya_vazirlik")
    cg, d_cg = User.objects.get(username="nazorat"), User.objects.get(username="chust_orinbosar")
    region = Organisation.objects.get(code="nam-hok")
    chust = Organisation.objects.get(code="nam-chust-hok")
    today = timezone.localdate()
    doc = ex.document_register(actor=moj_ctl, data={
        "kind": "resolution", "issuer": Organisation.objects.get(code="pa").pk, "number": "PQ-215",
        "date": today - timedelta(days=20), "is_public": True,
        "title_uz": "Hududlarda ichimlik suvi taʼminotini yaxshilash chora-tadbirlari toʻgʻrisida",
        "title_ru": "О мерах по улучшению водоснабжения в регионах",
        "title_en": "On measures to improve drinking water supply in the regions",
        "text": "1. Viloyat hokimliklari ichimlik suvi tarmoqlarini taʼmirlash rejasini tasdiqlasin.\n"
                "2. Aholini ichimlik suvi bilan taʼminlash holati har olti oyda tahlil qilinsin.\n"
                "3. Adliya vazirligi ijro holatini umumlashtirib borsin."})
    t1 = ex.task_add(document=doc, actor=moj_ctl, data={
        "item": "1", "deadline_kind": "date", "due_on": today + timedelta(days=60),
        "text": "Ichimlik suvi tarmoqlarini taʼmirlash rejasini tasdiqlash va tumanlarda ishlarni boshlash"})
    t2 = ex.task_add(document=doc, actor=moj_ctl, data={
        "item": "2", "deadline_kind": "none",
        "text": "Aholini ichimlik suvi bilan taʼminlash holatini muntazam tahlil qilib borish"})
    ex.task_add(document=doc, actor=moj_ctl, data={
        "item": "3", "deadline_kind": "periodic", "period": "quarterly",
        "text": "Ijro holati toʻgʻrisida umumlashtirilgan maʼlumot taqdim etish"})
    for task in (t1, t2):
        ex.task_put_on_control(task=task, actor=moj_ctl, executors=[{"organisation": region, "role": "lead"}])
    lead = Assignment.objects.get(case=t1.case, parent=None)
    ex.assignment_register(assignment=lead, actor=cg)
    child = ex.task_pass_on(assignment=lead, actor=cg, organisation=chust, due_at=today + timedelta(days=45),
                            instructions="Tuman boʻyicha taʼmirlash ishlarini tashkil etib, hisobot kiritilsin.")
    ex.assignment_register(assignment=child, actor=d_cg)
    order = ex.document_register(actor=cg, data={
        "kind": "order", "issuer": region.pk, "number": "112-f", "date": today - timedelta(days=5),
        "title_uz": "Kuz-qish mavsumiga tayyorgarlik toʻgʻrisida",
        "title_ru": "О подготовке к осенне-зимнему сезону", "title_en": "On preparing for the autumn-winter season",
        "text": "1. Tuman hokimliklari ijtimoiy obyektlarni isitish tizimlarini tayyorlasin."})
    t4 = ex.task_add(document=order, actor=cg, data={
        "item": "1", "deadline_kind": "date", "due_on": today + timedelta(days=21),
        "text": "Ijtimoiy obyektlarning isitish tizimlarini kuz-qish mavsumiga tayyorlash"})
    ex.task_put_on_control(task=t4, actor=cg, executors=[{"organisation": chust, "role": "lead"}])
    return 2


def login_rows() -> list[tuple[str, str, str]]:
    rows = []
    for login in LOGINS:
        rows.append((login.username, login.what, login.title))
    for username, *_rest, what in CITIZENS:
        rows.append((username, what, ""))
    return rows
