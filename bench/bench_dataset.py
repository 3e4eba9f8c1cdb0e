"""A synthetic, national-scale data set for the kernel benchmarks.

Written with ``bulk_create`` (the services would take hours for this much), but keeping the invariants the
services keep, so that the selectors, views, sweeps and ``case_open`` see believable rows:

* organisations form a tree with a correct materialised ``path`` ("12/40/311/") and ``depth``, exactly as
  ``Organisation.save``/``refresh_path`` compute them, and a folded ``search_text``;
* every staff member has an active primary membership with role grants (some hold a second one);
* case numbers are gap-free per register, kind and year, and ``NumberSequence.last_value`` equals the last
  number given, so ``allocate_number`` continues the series without a collision;
* assignments nest (a region passes its assignment on to a district unit) and a child's deadline never
  exceeds its parent's, a top-level one never exceeds the case's;
* work items are open exactly while something waits (execute / review / rework / step / extension) and
  closed otherwise, with the keys the services use; overdue is derived, never stored;
* events are written for what happened (opened, assigned, accepted, submitted, reviewed, closed).

Nothing here is imported by the application or collected by pytest (``bench_*.py``).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# --- reference tables -----------------------------------------------------------------------------------

# Republican bodies: (code, kind, sector, uz, uz-cyrl, ru, en)
REPUBLICAN = [
    ("pa", "presidential_administration", "general", "Prezident Administratsiyasi", "Президент Администрацияси",
     "Администрация Президента", "Presidential Administration"),
    ("cabinet", "cabinet", "general", "Vazirlar Mahkamasi", "Вазирлар Маҳкамаси", "Кабинет Министров",
     "Cabinet of Ministers"),
    ("moj", "justice", "general", "Adliya vazirligi", "Адлия вазирлиги", "Министерство юстиции", "Ministry of Justice"),
    ("accounts-chamber", "accounts_chamber", "general", "Hisob palatasi", "Ҳисоб палатаси", "Счётная палата",
     "Accounts Chamber"),
    ("prosecutor", "prosecutor", "general", "Bosh prokuratura", "Бош прокуратура", "Генеральная прокуратура",
     "General Prosecutor's Office"),
    ("digital", "digital_department", "general", "Raqamli departament", "Рақамли департамент", "Цифровой департамент",
     "Digital Department"),
    ("finance", "ministry", "other", "Iqtisodiyot va moliya vazirligi", "Иқтисодиёт ва молия вазирлиги",
     "Министерство экономики и финансов", "Ministry of Economy and Finance"),
    ("foreign", "ministry", "other", "Tashqi ishlar vazirligi", "Ташқи ишлар вазирлиги", "Министерство иностранных дел",
     "Ministry of Foreign Affairs"),
    ("culture", "ministry", "other", "Madaniyat vazirligi", "Маданият вазирлиги", "Министерство культуры",
     "Ministry of Culture"),
    ("sport", "ministry", "other", "Sport vazirligi", "Спорт вазирлиги", "Министерство спорта", "Ministry of Sport"),
    ("tourism", "ministry", "other", "Turizm qoʻmitasi", "Туризм қўмитаси", "Комитет по туризму", "Tourism Committee"),
    ("statistics", "ministry", "other", "Statistika agentligi", "Статистика агентлиги", "Агентство статистики",
     "Statistics Agency"),
]

# Ministries with territorial units: (code, kind of units, sector, uz, cyrl, ru, en, has district units)
MINISTRIES = [
    ("water", "utility", "water", "suv taʼminoti", "сув таъминоти", "водоснабжение", "water supply", True),
    ("power", "utility", "electricity", "elektr tarmoqlari", "электр тармоқлари", "электросети", "electric networks",
     True),
    ("gas", "utility", "gas", "gaz taʼminoti", "газ таъминоти", "газоснабжение", "gas supply", True),
    ("heating", "utility", "heating", "issiqlik taʼminoti", "иссиқлик таъминоти", "теплоснабжение", "heating", True),
    ("roads", "ministry_unit", "roads", "avtomobil yoʻllari", "автомобиль йўллари", "автодороги", "roads", True),
    ("housing", "ministry_unit", "housing", "uy-joy kommunal xizmati", "уй-жой коммунал хизмати", "ЖКХ",
     "housing and communal services", True),
    ("health", "ministry_unit", "health", "sogʻliqni saqlash", "соғлиқни сақлаш", "здравоохранение", "health", True),
    ("education", "ministry_unit", "education", "maktabgacha va maktab taʼlimi", "мактабгача ва мактаб таълими",
     "дошкольное и школьное образование", "pre-school and school education", True),
    ("ecology", "ministry_unit", "ecology", "ekologiya", "экология", "экология", "ecology", True),
    ("social", "ministry_unit", "social", "ijtimoiy himoya", "ижтимоий ҳимоя", "социальная защита",
     "social protection", True),
    ("construction", "ministry_unit", "construction", "qurilish", "қурилиш", "строительство", "construction", False),
    ("emergency", "ministry_unit", "other", "favqulodda vaziyatlar", "фавқулодда вазиятлар", "чрезвычайные ситуации",
     "emergencies", False),
    ("agriculture", "ministry_unit", "other", "qishloq xoʻjaligi", "қишлоқ хўжалиги", "сельское хозяйство",
     "agriculture", False),
]

# Staff per organisation (≈ 17,500 people over ≈ 2,900 bodies).
STAFF = {
    "republic": 45,
    "region_hokimlik": 60, "region_justice": 20, "region_reception": 10, "region_unit": 12,
    "district_hokimlik": 25, "district_justice": 5, "district_reception": 3, "district_unit": 3,
}

LAST_NAMES = ["Karimov", "Rahimov", "Ergashev", "Yusupov", "Aliyev", "Toshmatov", "Qodirov", "Nazarov", "Saidov",
              "Mirzayev", "Xolmatov", "Usmonov", "Abdullayev", "Hamidov", "Sobirov", "Tursunov", "Oʻrinov", "Gʻaniyev",
              "Jurayev", "Normatov", "Ismoilov", "Sharipov", "Rasulov", "Boboyev", "Qosimov", "Haydarov"]
FIRST_NAMES_M = ["Jasur", "Sardor", "Bekzod", "Alisher", "Oybek", "Ulugʻbek", "Farrux", "Jahongir", "Sherzod",
                 "Doniyor", "Akmal", "Rustam", "Anvar", "Bahodir", "Ilhom", "Shuhrat", "Otabek", "Zafar"]
FIRST_NAMES_F = ["Malika", "Dilnoza", "Nodira", "Gulnora", "Madina", "Shahnoza", "Zarina", "Feruza", "Mohira",
                 "Sevara", "Nilufar", "Kamola"]
LANGUAGES = ["uz"] * 70 + ["uz-cyrl"] * 10 + ["ru"] * 18 + ["en"] * 2

TITLES = [
    "Ichimlik suvi taʼminotini yaxshilash toʻgʻrisida", "Mahallalarda yoʻllarni taʼmirlash boʻyicha",
    "Elektr energiyasi uzilishlari haqida axborot berish", "Qishki mavsumga tayyorgarlik toʻgʻrisida",
    "Maktablarni isitish tizimini tekshirish", "Aholi murojaatlarini koʻrib chiqish natijalari",
    "Gaz taʼminoti grafigiga rioya etish", "Koʻp qavatli uylarni obodonlashtirish",
    "Ijtimoiy himoyaga muhtoj oilalar roʻyxatini yangilash", "Daraxt ekish aksiyasini tashkil etish",
    "Chiqindilarni olib ketish jadvali toʻgʻrisida", "Sogʻliqni saqlash muassasalarini dori bilan taʼminlash",
    "Qurilish ruxsatnomalari berish tartibi", "Favqulodda vaziyatlarga tayyorgarlikni tekshirish",
    "Qishloq xoʻjaligi yerlarini sugʻorish rejasi", "Bolalar bogʻchalari navbatini qisqartirish",
    "Kanalizatsiya tarmogʻini taʼmirlash", "Koʻcha yoritgichlarini oʻrnatish",
    "Hokim qarori ijrosini taʼminlash toʻgʻrisida", "Vazirlar Mahkamasi qarori ijrosi haqida hisobot",
]
SUMMARY = ("Ushbu xat boʻyicha belgilangan muddatda ijro choralarini koʻrib, natijasi haqida asoslantiruvchi "
           "hujjatlar bilan axborot taqdim etilsin.")


@dataclass
class Org:
    pk: int
    code: str
    kind: str
    level: str
    path: str
    territory: str | None
    ministry: str | None = None
    staff: list[int] = field(default_factory=list)  # user ids
    roles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # role -> user ids
    head: int | None = None


@dataclass
class World:
    """What the measurements need to find again: the bodies by place and kind, the people by role."""

    now: datetime
    orgs: dict[int, Org] = field(default_factory=dict)
    republic: dict[str, Org] = field(default_factory=dict)
    region_hokimlik: dict[str, Org] = field(default_factory=dict)
    region_justice: dict[str, Org] = field(default_factory=dict)
    region_reception: dict[str, Org] = field(default_factory=dict)
    region_units: dict[str, dict[str, Org]] = field(default_factory=lambda: defaultdict(dict))
    district_hokimlik: dict[str, Org] = field(default_factory=dict)
    district_units: dict[str, dict[str, Org]] = field(default_factory=lambda: defaultdict(dict))
    districts_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    user_names: dict[int, str] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    cases_per_region: Counter = field(default_factory=Counter)


class Ids:
    """Explicit primary keys, so parents and children are linked before anything is inserted."""

    def __init__(self):
        self._next: dict[type, int] = {}

    def start(self, model) -> None:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self._next[model] = last + 1

    def __call__(self, model) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


def _end_of_day(moment: datetime) -> datetime:
    """Day rules end at the end of the due day in local time (``DeadlineRule.due``)."""
    local = timezone.localtime(moment)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


def _bulk(model, rows, batch_size: int) -> None:
    model.objects.bulk_create(rows, batch_size=batch_size)


def build(*, cases: int, seed: int = 2026, log=print) -> World:
    """Fill the (freshly migrated) database. Returns the ``World`` index the measurements use."""
    from nazorat.core.text import fold
    from nazorat.territories.models import Territory

    rnd = random.Random(seed)
    world = World(now=timezone.now())
    batch = 2000 if connection.vendor == "postgresql" else 500
    territories = list(Territory.objects.filter(level__in=["region", "district"]).values(
        "code", "level", "parent_id", "name_uz", "name_uz_cyrl", "name_ru", "name_en"))
    regions = [t for t in territories if t["level"] == "region"]
    districts = [t for t in territories if t["level"] == "district"]
    for d in districts:
        world.districts_of[d["parent_id"]].append(d["code"])

    with transaction.atomic():
        _build_orgs(world, rnd, regions, districts, fold, batch, log)
        _build_people(world, rnd, batch, log)
        _build_cases(world, rnd, cases, fold, batch, log)
    _reset_sequences()
    return world


# --- organisations --------------------------------------------------------------------------------------

def _build_orgs(world, rnd, regions, districts, fold, batch, log):
    from nazorat.orgs.models import Organisation

    ids = Ids()
    ids.start(Organisation)
    rows: list[Organisation] = []

    def add(code, kind, level, names, *, parent: Org | None, territory=None, sector="general", ministry=None) -> Org:
        pk = ids(Organisation)
        path = f"{parent.path if parent else ''}{pk}/"
        uz, cyrl, ru, en = names
        rows.append(Organisation(
            id=pk, code=code, name=uz, name_uz=uz, name_uz_cyrl=cyrl, name_ru=ru, name_en=en, kind=kind, level=level,
            sector=sector, territory_id=territory, parent_id=parent.pk if parent else None, path=path,
            depth=path.count("/") - 1, work_week=5, search_text=fold(" ".join((uz, cyrl, ru, en))),
        ))
        org = Org(pk=pk, code=code, kind=kind, level=level, path=path, territory=territory, ministry=ministry)
        world.orgs[pk] = org
        return org

    for code, kind, sector, *names in REPUBLICAN:
        world.republic[code] = add(code, kind, "republic", names, parent=None, sector=sector)
    for code, unit_kind, sector, uz, cyrl, ru, en, _district in MINISTRIES:
        world.republic[code] = add(code, "ministry", "republic",
                                   (f"Respublika {uz} vazirligi", f"Республика {cyrl} вазирлиги",
                                    f"Министерство ({ru})", f"Ministry of {en}"),
                                   parent=None, sector=sector, ministry=code)
    for r in regions:
        rc = r["code"]
        tn = (r["name_uz"], r["name_uz_cyrl"], r["name_ru"], r["name_en"])
        world.region_hokimlik[rc] = add(
            f"hok-{rc}", "hokimlik", "region",
            (f"{tn[0]} hokimligi", f"{tn[1]} ҳокимлиги", f"Хокимият: {tn[2]}", f"{tn[3]} Governor's Office"),
            parent=world.republic["cabinet"], territory=rc)
        world.region_justice[rc] = add(
            f"just-{rc}", "justice", "region",
            (f"{tn[0]} adliya boshqarmasi", f"{tn[1]} адлия бошқармаси", f"Управление юстиции: {tn[2]}",
             f"{tn[3]} Justice Department"), parent=world.republic["moj"], territory=rc)
        world.region_reception[rc] = add(f"recep-{rc}", "peoples_reception", "region",
            (f"{tn[0]} Xalq qabulxonasi", f"{tn[1]} Халқ қабулхонаси", f"Народная приёмная: {tn[2]}",
             f"{tn[3]} People's Reception"), parent=world.republic["pa"], territory=rc)
        for code, unit_kind, sector, uz, cyrl, ru, en, _district in MINISTRIES:
            world.region_units[rc][code] = add(
                f"{code}-{rc}", "ministry_unit", "region",
                (f"{tn[0]} {uz} boshqarmasi", f"{tn[1]} {cyrl} бошқармаси", f"{ru}: {tn[2]}", f"{tn[3]} {en}"),
                parent=world.republic[code], territory=rc, sector=sector, ministry=code)
    for d in districts:
        dc, rc = d["code"], d["parent_id"]
        tn = (d["name_uz"], d["name_uz_cyrl"], d["name_ru"], d["name_en"])
        world.district_hokimlik[dc] = add(
            f"hok-{dc}", "hokimlik", "district",
            (f"{tn[0]} hokimligi", f"{tn[1]} ҳокимлиги", f"Хокимият: {tn[2]}", f"{tn[3]} Governor's Office"),
            parent=world.region_hokimlik[rc], territory=dc)
        add(f"just-{dc}", "justice", "district",
            (f"{tn[0]} adliya boʻlimi", f"{tn[1]} адлия бўлими", f"Отдел юстиции: {tn[2]}", f"{tn[3]} Justice Office"),
            parent=world.region_justice[rc], territory=dc)
        add(f"recep-{dc}", "peoples_reception", "district",
            (f"{tn[0]} Xalq qabulxonasi", f"{tn[1]} Халқ қабулхонаси", f"Народная приёмная: {tn[2]}",
             f"{tn[3]} People's Reception"), parent=world.region_reception[rc], territory=dc)
        for code, unit_kind, sector, uz, cyrl, ru, en, has_district in MINISTRIES:
            if not has_district:
                continue
            world.district_units[dc][code] = add(
                f"{code}-{dc}", unit_kind, "district",
                (f"{tn[0]} {uz} boʻlimi", f"{tn[1]} {cyrl} бўлими", f"{ru}: {tn[2]}", f"{tn[3]} {en} office"),
                parent=world.region_units[rc][code], territory=dc, sector=sector, ministry=code)
    _bulk(Organisation, rows, batch)
    world.counts["organisations"] = len(rows)
    log(f"  organisations: {len(rows)}")


# --- people ---------------------------------------------------------------------------------------------

def _staff_plan(org: Org, n: int | None = None) -> tuple[int, list[tuple[str, tuple[str, ...], str]]]:
    """How many people work in a body and (position, roles, title) for each, head first. ``n`` overrides the
    size from ``STAFF`` (the national execution data set sizes bodies to hit an exact head count)."""
    if n is not None:
        pass
    elif org.level == "republic":
        n = STAFF["republic"]
    elif org.kind == "hokimlik":
        n = STAFF[f"{org.level}_hokimlik"]
    elif org.kind == "justice":
        n = STAFF[f"{org.level}_justice"]
    elif org.kind == "peoples_reception":
        n = STAFF[f"{org.level}_reception"]
    else:
        n = STAFF[f"{org.level}_unit"]
    plan = [("head", ("signatory",), "Rahbar")]
    if org.kind == "digital_department":
        plan += [("deputy", ("administrator", "operator"), "Administrator")] * 2
        plan += [("specialist", ("operator",), "Operator")] * (n - 3)
    elif org.kind == "peoples_reception":
        plan += [("specialist", ("observer",), "Mutaxassis")] * (n - 1)
    elif org.kind == "justice":
        plan += [("unit_head", ("controller", "control_group"), "Ijro intizomi nazorati boʻlimi boshligʻi")]
        plan += [("specialist", ("controller",), "Nazoratchi")] * max(0, n // 3 - 1)
        plan += [("specialist", ("executor",), "Bosh mutaxassis")] * (n - len(plan))
    elif org.kind == "hokimlik":
        plan += [("first_deputy", ("signatory",), "Birinchi oʻrinbosar")]
        plan += [("unit_head", ("control_group",), "Ijro nazorati guruhi")] * (3 if org.level == "region" else 2)
        plan += [("specialist", ("reviewer",), "Ishchi guruh aʼzosi")] * (4 if org.level == "region" else 1)
        plan += [("specialist", ("executor",), "Bosh mutaxassis")] * (n - len(plan))
    else:
        plan += [("unit_head", ("control_group", "executor"), "Boʻlim boshligʻi")]
        plan += [("specialist", ("executor",), "Muhandis")] * (n - len(plan))
    return n, plan[:n]


def _build_people(world, rnd, batch, log, sizes: dict[int, int] | None = None):
    """Staff every body of ``world`` (``sizes``: head count by organisation id, default from ``STAFF``)."""
    from nazorat.accounts.models import User
    from nazorat.orgs.models import Membership, RoleGrant

    ids = Ids()
    for model in (User, Membership, RoleGrant):
        ids.start(model)
    users, memberships, grants = [], [], []
    joined = world.now - timedelta(days=800)

    def grant(m_pk, roles, org, uid):
        for role in roles:
            grants.append(RoleGrant(id=ids(RoleGrant), membership_id=m_pk, role=role))
            org.roles[role].append(uid)

    for org in list(world.orgs.values()):
        _n, plan = _staff_plan(org, (sizes or {}).get(org.pk))
        for position, roles, title in plan:
            uid = ids(User)
            female = rnd.random() < 0.4
            last = rnd.choice(LAST_NAMES) + ("a" if female else "")
            first = rnd.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            father = rnd.choice(FIRST_NAMES_M)
            patronymic = f"{father}ovna" if female else f"{father}ovich"
            users.append(User(
                id=uid, username=f"staff{uid:06d}", first_name=first, last_name=last, patronymic=patronymic,
                email=f"staff{uid:06d}@gov.example.uz" if rnd.random() < 0.8 else None, phone=None,
                kind="staff", preferred_language=rnd.choice(LANGUAGES), password="!bench-unusable",
                email_confirmed=True, date_joined=joined, is_active=True,
            ))
            world.user_names[uid] = f"{last} {first} {patronymic}"
            m_pk = ids(Membership)
            memberships.append(Membership(id=m_pk, user_id=uid, organisation_id=org.pk, position=position,
                                          title=title, is_primary=True, is_active=True))
            grant(m_pk, roles, org, uid)
            org.staff.append(uid)
            if position == "head":
                org.head = uid
    # About 3% also hold a second post (a deputy heading a working group in a body above theirs).
    all_orgs = list(world.orgs.values())
    for org in all_orgs:
        ancestry = org.path.strip("/").split("/")
        if len(ancestry) < 2:
            continue
        parent = world.orgs[int(ancestry[-2])]
        for uid in org.staff[1:]:
            if rnd.random() < 0.03:
                m_pk = ids(Membership)
                memberships.append(Membership(id=m_pk, user_id=uid, organisation_id=parent.pk, position="specialist",
                                              title="Ishchi guruh aʼzosi", is_primary=False, is_active=True))
                grant(m_pk, ("reviewer",), parent, uid)
    _bulk(User, users, batch)
    _bulk(Membership, memberships, batch)
    _bulk(RoleGrant, grants, batch)
    world.counts.update(users=len(users), memberships=len(memberships), role_grants=len(grants))
    log(f"  staff: {len(users)} people, {len(memberships)} memberships, {len(grants)} role grants")


# --- cases ----------------------------------------------------------------------------------------------

def _executor(org: Org, rnd) -> int:
    pool = org.roles.get("executor") or org.staff
    return rnd.choice(pool)


def _pick_case_shape(world, rnd):
    """Owner, top-level executor, optional nested executor and co-executor, territory."""
    roll = rnd.random()
    region = rnd.choice(list(world.region_hokimlik))
    district = rnd.choice(world.districts_of[region])
    child = co = None
    if roll < 0.6:  # the regional governor's office gives a letter to a district
        owner = world.region_hokimlik[region]
        if rnd.random() < 0.6:
            lead = world.district_hokimlik[district]
            if rnd.random() < 0.3:
                child = rnd.choice(list(world.district_units[district].values()))
        else:
            lead = rnd.choice(list(world.district_units[district].values()))
        if rnd.random() < 0.2:
            other = rnd.choice(world.districts_of[region])
            co = rnd.choice([world.district_hokimlik[other], *world.district_units[other].values()])
            if co.pk == lead.pk:
                co = None
    elif roll < 0.8:  # a district governor's office to its own utilities and departments
        owner = world.district_hokimlik[district]
        lead = rnd.choice(list(world.district_units[district].values()))
    elif roll < 0.9:  # a ministry to its regional unit, passed on to a district unit
        ministry = rnd.choice([m[0] for m in MINISTRIES if m[7]])
        owner = world.republic[ministry]
        lead = world.region_units[region][ministry]
        if rnd.random() < 0.5:
            child = world.district_units[district][ministry]
    else:  # a regional unit to its district unit
        ministry = rnd.choice([m[0] for m in MINISTRIES if m[7]])
        owner = world.region_units[region][ministry]
        lead = world.district_units[district][ministry]
    territory = (child or lead).territory or region
    return owner, lead, child, co, territory, region


def _build_cases(world, rnd, n_cases, fold, batch, log):
    from nazorat.cases.models import (
        Assignment, AssignmentStep, Case, ExtensionRequest, NumberSequence, ReviewRound, WorkItem,
    )
    from nazorat.core.models import Event

    ids = Ids()
    for model in (Case, Assignment, AssignmentStep, ExtensionRequest, ReviewRound, WorkItem, Event, NumberSequence):
        ids.start(model)
    now = world.now
    specs = []
    for _ in range(n_cases):
        is_open = rnd.random() < 0.30
        if is_open:  # most open letters are recent: exponential age, mean 10 days
            age = min(rnd.expovariate(1 / 10), 90)
        else:
            age = rnd.uniform(20, 365)
        opened = now - timedelta(days=age, minutes=rnd.randint(0, 600))
        specs.append((opened, is_open))
    specs.sort(key=lambda s: s[0])

    cases, assignments, steps, rounds, extensions, items, events, seqs = [], [], [], [], [], [], [], []
    seq_counter: Counter = Counter()
    title_cache: dict[str, str] = {}

    def event(action, at, actor, org_pk, obj_type, obj_id, case_pk, payload, public=False):
        events.append(Event(
            id=ids(Event), occurred_at=at, actor_id=actor, actor_name=world.user_names.get(actor, "") if actor else "",
            actor_position="", actor_organisation_id=org_pk, action=action, object_type=obj_type,
            object_id=str(obj_id), case_id=case_pk, payload=payload, is_public=public,
        ))

    def item(key, case_pk, action, due, org: Org | None, role, assignment_pk, opened_at, person=None, closed_at=None,
             closed_by=None):
        items.append(WorkItem(
            id=ids(WorkItem), key=key, case_id=case_pk, assignment_id=assignment_pk, person_id=person,
            organisation_id=org.pk if org else None, role="" if person else role, action=action, due_at=due,
            opened_at=opened_at, closed_at=closed_at, closed_by_id=closed_by,
        ))

    status_counter: Counter = Counter()
    for opened, is_open in specs:
        owner, lead, child, co, territory, region = _pick_case_shape(world, rnd)
        term = rnd.choices([14, 30, 60], weights=[60, 25, 15])[0]
        due = _end_of_day(opened + timedelta(days=term))
        year = timezone.localtime(opened).year
        seq_counter[(owner.pk, year)] += 1
        seq = seq_counter[(owner.pk, year)]
        case_pk = ids(Case)
        base_title = rnd.choice(TITLES)
        title = f"{base_title} ({rnd.randint(1, 999)}-son)"
        if is_open:
            status = rnd.choices(["open", "in_progress", "under_review", "returned"], weights=[25, 40, 20, 15])[0]
            closed_at = None
        else:
            status = "closed" if rnd.random() < 0.95 else "cancelled"
            closed_at = opened + timedelta(days=term * rnd.uniform(0.3, 1.15))
            closed_at = max(opened + timedelta(hours=1), min(closed_at, now - timedelta(hours=rnd.uniform(1, 96))))
        status_counter[status] += 1
        world.cases_per_region[region] += 1
        controller = rnd.choice(owner.roles.get("control_group") or [owner.head])
        cases.append(Case(
            id=case_pk, kind="letter", number=f"X-{owner.pk}-{year % 100:02d}-{seq:05d}", register_id=owner.pk,
            year=year, sequence=seq, status=status, title=title, summary=SUMMARY, owner_id=owner.pk,
            territory_id=territory, created_by_id=controller, language="uz", opened_at=opened, due_at=due,
            original_due_at=due, deadline_rule=f"{term} calendar_days", closed_at=closed_at, is_public=False,
            search_text=title_cache.setdefault(title, fold(f"{title} {SUMMARY}")),
        ))
        event("case.opened", opened, controller, owner.pk, "cases.case", case_pk, case_pk,
              {"number": cases[-1].number, "kind": "letter", "status": "open", "due_at": due.isoformat()}, True)

        # --- the top-level assignment, an optional nested one and an optional co-executor ---------------
        span = (closed_at or now) - opened
        assigned_at = opened + min(timedelta(minutes=rnd.randint(5, 600)), span / 3)
        lead_due = max(due - timedelta(days=rnd.randint(0, 2)), assigned_at + timedelta(days=1))
        lead_due = min(lead_due, due)
        plan = [("lead", lead, None, lead_due)]
        if child is not None:
            child_due = max(min(lead_due - timedelta(days=rnd.randint(0, 2)), lead_due), assigned_at + timedelta(hours=12))
            plan.append(("lead", child, "parent", min(child_due, lead_due)))
        if co is not None:
            plan.append(("co_executor", co, None, lead_due))
        lead_pk = None
        for role, org, parent_marker, a_due in plan:
            a_pk = ids(Assignment)
            parent_pk = lead_pk if parent_marker else None
            at = assigned_at + (timedelta(minutes=rnd.randint(30, 300)) if parent_pk else timedelta())
            at = min(at, (closed_at or now) - timedelta(minutes=1))
            person = _executor(org, rnd) if rnd.random() < 0.35 else None
            assigner = controller if parent_pk is None else rnd.choice(world.orgs[lead.pk].roles.get("control_group")
                                                                         or [lead.head])
            top = parent_pk is None and role == "lead"
            # state of this assignment, following the case status
            if not is_open:
                state = "done" if status == "closed" else "cancelled"
            elif status == "open":
                state = "assigned"
            elif status == "under_review":
                state = "submitted" if top else "done"
            else:  # in_progress, returned
                state = "in_progress"
            accepted = at + min(timedelta(hours=rnd.uniform(0.5, 30)), ((closed_at or now) - at) / 2)
            submitted = None
            completed = None
            if state in ("submitted", "done"):
                submitted = accepted + ((closed_at or now) - accepted) * rnd.uniform(0.3, 0.9)
            if state == "done":
                completed = closed_at if top else submitted
            assignments.append(Assignment(
                id=a_pk, case_id=case_pk, parent_id=parent_pk, organisation_id=org.pk, person_id=person, role=role,
                state=state, due_at=a_due, original_due_at=a_due, assigned_by_id=assigner, assigned_at=at,
                accepted_at=accepted if state != "assigned" else None, submitted_at=submitted, completed_at=completed,
            ))
            if parent_pk is None:
                lead_pk = a_pk if role == "lead" else lead_pk
            event("assignment.created", at, assigner, (lead if parent_pk else owner).pk, "cases.assignment", a_pk,
                  case_pk, {"organisation": org.code, "role": role, "due_at": a_due.isoformat(), "parent": parent_pk},
                  True)
            if state != "assigned":
                event("assignment.accepted", accepted, person or _executor(org, rnd), org.pk, "cases.assignment", a_pk,
                      case_pk, {"organisation": org.code}, True)
            # timed step for district governor's offices: register within two working hours
            if org.kind == "hokimlik" and rnd.random() < 0.5:
                s_pk = ids(AssignmentStep)
                step_due = at + timedelta(hours=2)
                done = None if (state == "assigned" and rnd.random() < 0.5) else at + timedelta(minutes=rnd.randint(5, 200))
                cg = rnd.choice(org.roles.get("control_group") or [org.head])
                steps.append(AssignmentStep(id=s_pk, assignment_id=a_pk, code="register", due_at=step_due,
                                            done_at=done, done_by_id=cg if done else None))
                item(f"step:{s_pk}", case_pk, "register", step_due, org, "control_group", a_pk, at,
                     closed_at=done, closed_by=cg if done else None)
            # what waits on the executing body
            exec_closed = submitted if state in ("submitted", "done") else (closed_at if state == "cancelled" else None)
            if status == "returned" and top:
                exec_closed = accepted + (now - accepted) * 0.5
            item(f"assignment:{a_pk}:execute", case_pk, "execute", a_due, org, "executor", a_pk, at, person=person,
                 closed_at=exec_closed, closed_by=(person or _executor(org, rnd)) if exec_closed else None)

            if not top:
                continue
            # --- review rounds of the top-level lead assignment -----------------------------------------
            reviewer = rnd.choice(owner.roles.get("control_group") or [owner.head])
            submitter = person or _executor(org, rnd)
            if status == "returned":
                r_pk = ids(ReviewRound)
                sub_at = exec_closed
                dec_at = sub_at + (now - sub_at) * 0.5
                rounds.append(ReviewRound(id=r_pk, case_id=case_pk, assignment_id=a_pk, number=1, step=1,
                                          step_code="owner", reviewer_org_id=owner.pk, submitted_by_id=submitter,
                                          submitted_at=sub_at, submission="Bajarildi.", verdict="returned",
                                          reasons="Hujjatlar yetarli emas.", decided_by_id=reviewer, decided_at=dec_at))
                item(f"review:{r_pk}", case_pk, "review", a_due, owner, "control_group", a_pk, sub_at,
                     closed_at=dec_at, closed_by=reviewer)
                item(f"assignment:{a_pk}:rework:{r_pk}", case_pk, "rework", a_due, org, "executor", a_pk, dec_at,
                     person=person)
                event("result.submitted", sub_at, submitter, org.pk, "cases.reviewround", r_pk, case_pk, {"round": 1},
                      True)
                event("review.returned", dec_at, reviewer, owner.pk, "cases.reviewround", r_pk, case_pk,
                      {"round": 1, "step": 1, "reasons": "Hujjatlar yetarli emas."}, True)
            elif status == "under_review":
                r_pk = ids(ReviewRound)
                rounds.append(ReviewRound(id=r_pk, case_id=case_pk, assignment_id=a_pk, number=1, step=1,
                                          step_code="owner", reviewer_org_id=owner.pk, submitted_by_id=submitter,
                                          submitted_at=submitted, submission="Bajarildi.", verdict="pending"))
                item(f"review:{r_pk}", case_pk, "review", a_due, owner, "control_group", a_pk, submitted)
                event("result.submitted", submitted, submitter, org.pk, "cases.reviewround", r_pk, case_pk,
                      {"round": 1}, True)
            elif status == "closed":
                r_pk = ids(ReviewRound)
                rounds.append(ReviewRound(id=r_pk, case_id=case_pk, assignment_id=a_pk, number=1, step=1,
                                          step_code="owner", reviewer_org_id=owner.pk, submitted_by_id=submitter,
                                          submitted_at=submitted, submission="Bajarildi.", verdict="accepted",
                                          decided_by_id=reviewer, decided_at=closed_at))
                item(f"review:{r_pk}", case_pk, "review", a_due, owner, "control_group", a_pk, submitted,
                     closed_at=closed_at, closed_by=reviewer)
                event("result.submitted", submitted, submitter, org.pk, "cases.reviewround", r_pk, case_pk,
                      {"round": 1}, True)
                event("review.accepted", closed_at, reviewer, owner.pk, "cases.reviewround", r_pk, case_pk,
                      {"round": 1, "step": 1}, True)
                event("assignment.completed", closed_at, reviewer, owner.pk, "cases.assignment", a_pk, case_pk,
                      {"organisation": org.code, "rounds": 1}, True)
            # --- a pending extension request on some open letters ---------------------------------------
            if status == "in_progress" and rnd.random() < 0.05:
                e_pk = ids(ExtensionRequest)
                asked = at + (now - at) * 0.7
                extensions.append(ExtensionRequest(
                    id=e_pk, case_id=case_pk, assignment_id=a_pk, requested_by_id=submitter, requested_at=asked,
                    old_due_at=a_due, requested_due_at=a_due + timedelta(days=10),
                    reasons="Pudratchi tashkilot ishlarni yakunlamadi.", state="pending"))
                item(f"extension:{e_pk}", case_pk, "decide_extension", a_due, owner, "controller", a_pk, asked)
                event("extension.requested", asked, submitter, org.pk, "cases.extensionrequest", e_pk, case_pk,
                      {"old_due_at": a_due.isoformat(), "requested_due_at": (a_due + timedelta(days=10)).isoformat()})
        if closed_at is not None:
            event(f"case.{'accepted' if status == 'closed' else 'cancel'}", closed_at, controller, owner.pk,
                  "cases.case", case_pk, case_pk, {"from": "under_review", "to": status}, True)

    for (org_pk, year), last in seq_counter.items():
        seqs.append(NumberSequence(id=ids(NumberSequence), organisation_id=org_pk, series="letter", year=year,
                                   last_value=last))
    for model, rows in ((Case, cases), (Assignment, assignments), (AssignmentStep, steps), (ReviewRound, rounds),
                        (ExtensionRequest, extensions), (WorkItem, items), (Event, events),
                        (NumberSequence, seqs)):
        _bulk(model, rows, batch)
        world.counts[model._meta.label_lower] = len(rows)
    open_items = sum(1 for i in items if i.closed_at is None)
    overdue = sum(1 for i in items if i.closed_at is None and i.due_at and i.due_at < now)
    world.counts.update(open_work_items=open_items, overdue_work_items_at_build=overdue)
    world.counts.update({f"cases_{k}": v for k, v in status_counter.items()})
    log(f"  cases: {len(cases)} ({dict(status_counter)}), assignments: {len(assignments)}, "
        f"work items: {len(items)} ({open_items} open, {overdue} overdue), events: {len(events)}")


def _reset_sequences(app_labels=("orgs", "accounts", "cases", "core")) -> None:
    """Explicit primary keys leave PostgreSQL's sequences behind; move them past the rows."""
    if connection.vendor != "postgresql":
        return
    from django.apps import apps

    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in set(app_labels)]
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)


def analyze() -> None:
    """Fresh statistics, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` (SQLite) would gather."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE")



def verify() -> dict[str, int]:
    """Count violations of the invariants the generator promises (all should be 0)."""
    from django.db.models import F, Max

    from nazorat.accounts.models import User
    from nazorat.cases.models import Assignment, Case, NumberSequence, WorkItem
    from nazorat.orgs.models import Organisation

    orgs = {pk: (parent, path, depth) for pk, parent, path, depth in
            Organisation.objects.values_list("pk", "parent_id", "path", "depth")}
    bad_paths = sum(1 for pk, (parent, path, depth) in orgs.items()
                    if path != f"{orgs[parent][1] if parent else ''}{pk}/" or depth != path.count("/") - 1)
    last = {(o, y): v for o, y, v in NumberSequence.objects.filter(series="letter")
            .values_list("organisation_id", "year", "last_value")}
    numbering = sum(1 for row in Case.objects.filter(kind="letter").values("register_id", "year")
                    .annotate(top=Max("sequence")) if last.get((row["register_id"], row["year"])) != row["top"])
    return {
        "organisation_paths": bad_paths,
        "number_sequences": numbering,
        "child_due_after_parent": Assignment.objects.filter(parent__isnull=False,
                                                            due_at__gt=F("parent__due_at")).count(),
        "top_level_due_after_case": Assignment.objects.filter(parent__isnull=True, due_at__gt=F("case__due_at")).count(),
        "open_work_items_of_closed_cases": WorkItem.objects.open().filter(case__closed_at__isnull=False).count(),
        "staff_without_membership": User.objects.filter(kind="staff").exclude(memberships__is_active=True).count(),
    }
