"""Demo mahallas: the real ones are imported by an administrator (``import_mahallas``), but a demo needs
a believable mahalla picker and routing by mahalla in every district without that file.

Codes are the district code plus ``1xx``: SOATO uses ``5xx``/``8xx`` for settlements and citizens'
assemblies, so generated codes never collide with official settlement codes, and a later real import
simply adds its own codes beside them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .imports import MahallaRow, upsert_mahallas
from .loading import LoadResult
from .models import Level, Territory

# (Uzbek Latin, Uzbek Cyrillic, Russian, English) — common mahalla names across the country.
DEMO_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("Navbahor", "Навбаҳор", "Навбахор", "Navbahor"),
    ("Istiqlol", "Истиқлол", "Истиклол", "Istiklol"),
    ("Guliston", "Гулистон", "Гулистан", "Gulistan"),
    ("Bogʻishamol", "Боғишамол", "Богишамол", "Bogishamol"),
    ("Doʻstlik", "Дўстлик", "Дустлик", "Dustlik"),
    ("Yangi hayot", "Янги ҳаёт", "Янги хаёт", "Yangi Hayot"),
    ("Mustaqillik", "Мустақиллик", "Мустакиллик", "Mustakillik"),
    ("Bunyodkor", "Бунёдкор", "Бунёдкор", "Bunyodkor"),
    ("Tinchlik", "Тинчлик", "Тинчлик", "Tinchlik"),
    ("Obod", "Обод", "Обод", "Obod"),
    ("Chinor", "Чинор", "Чинар", "Chinar"),
    ("Gulbahor", "Гулбаҳор", "Гульбахор", "Gulbahor"),
    ("Oqtepa", "Оқтепа", "Актепа", "Aktepa"),
    ("Mehnatobod", "Меҳнатобод", "Мехнатабад", "Mehnatabad"),
    ("Sharq", "Шарқ", "Шарк", "Sharq"),
    ("Oydin", "Ойдин", "Ойдин", "Oydin"),
    ("Yoshlik", "Ёшлик", "Ёшлик", "Yoshlik"),
    ("Qoʻrgʻoncha", "Қўрғонча", "Курганча", "Kurgancha"),
    ("Beshyogʻoch", "Бешёғоч", "Бешагач", "Beshyogoch"),
    ("Bogʻbon", "Боғбон", "Богбон", "Bogbon"),
)
MAX_PER_DISTRICT = 100  # codes 100–199


def demo_mahalla_rows(district_code: str, per_district: int) -> list[MahallaRow]:
    """The demo mahallas of one district; deterministic (names rotate by district code), so reruns
    produce the same rows and neighbouring districts do not all start with "Navbahor"."""
    offset = int(district_code) % len(DEMO_NAMES)
    rows = []
    for i in range(per_district):
        uz, cyrl, ru, en = DEMO_NAMES[(offset + i) % len(DEMO_NAMES)]
        cycle = (i // len(DEMO_NAMES)) + 1
        if cycle > 1:  # more mahallas than names: "Navbahor-2 MFY"
            uz, cyrl, ru, en = (f"{uz}-{cycle}", f"{cyrl}-{cycle}", f"{ru}-{cycle}", f"{en}-{cycle}")
        rows.append(MahallaRow(
            code=f"{district_code}{100 + i:03d}", district_code=district_code,
            name_uz=f"{uz} MFY", name_uz_cyrl=f"{cyrl} МФЙ", name_ru=f"махалля «{ru}»", name_en=f"{en} mahalla",
        ))
    return rows


@transaction.atomic
def generate_demo_mahallas(district_codes: Iterable[str], per_district: int = 3) -> int:
    """Create (or refresh) ``per_district`` demo mahallas under each given district or city; idempotent.

    Returns how many mahallas were newly created (0 on a rerun), which is what a seeding report shows.
    """
    codes = sorted(set(district_codes))
    if not 1 <= per_district <= MAX_PER_DISTRICT:
        raise ValidationError({"per_district": _("Between 1 and %(max)s mahallas per district.") % {
            "max": MAX_PER_DISTRICT}})
    found = set(Territory.objects.filter(code__in=codes, level=Level.DISTRICT).values_list("code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"district_codes": _("Not a district or city: %(codes)s.") % {
            "codes": ", ".join(missing)}})
    result: LoadResult = upsert_mahallas(row for code in codes for row in demo_mahalla_rows(code, per_district))
    return result.created
