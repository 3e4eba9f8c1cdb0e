"""A small government receiving appeals: the Namangan regional hokimlik with its working group, a district
hokimlik, a department of the regional hokimlik, a water utility, and a People's reception observer."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from nazorat import testing
from nazorat.appeals import services

TASHKENT = ZoneInfo("Asia/Tashkent")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\x00" * 64


def docx_bytes() -> bytes:
    """A minimal Word document (a ZIP with the Word parts), as a word processor saves it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def at(text: str) -> datetime:
    """A Tashkent wall-clock moment: at("2026-06-03 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=TASHKENT)


def pdf(name="javob.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Gov:
    def __init__(self):
        self.region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714", code="nam-hok")
        self.district = testing.org(name="Chust tumani hokimligi", territory_code="1714224", parent=self.region,
                                    code="chust-hok")
        self.department = testing.org(kind="hokimlik_department", name="Uy-joy boshqarmasi", territory_code="1714",
                                      parent=self.region, code="nam-housing")
        self.utility = testing.org(kind="utility", name="Suvoqova", territory_code="1714", code="nam-water")
        self.reception = testing.org(kind="peoples_reception", name="Xalq qabulxonasi", territory_code="1714",
                                     code="nam-xq")
        self.wg = testing.staff(self.region, position="specialist", roles=("reviewer",), username="wg")
        self.cg = testing.staff(self.region, position="unit_head", roles=("control_group",), username="cg")
        self.governor = testing.staff(self.region, position="head", roles=("signatory",), username="governor",
                                      title="Viloyat hokimi")
        self.first_deputy = testing.staff(self.region, position="first_deputy", roles=("signatory",),
                                          username="first_deputy")
        self.deputy = testing.staff(self.region, position="deputy", roles=("signatory",), username="deputy")
        self.region_exec = testing.staff(self.region, roles=("executor",), username="region_exec")
        self.d_cg = testing.staff(self.district, position="unit_head", roles=("control_group",), username="d_cg")
        self.d_exec = testing.staff(self.district, roles=("executor",), username="d_exec", first_name="Dilshod",
                                    last_name="Ijrochiyev", title="Bosh mutaxassis")
        self.d_head = testing.staff(self.district, position="head", roles=("signatory",), username="d_head",
                                    first_name="Bobur", last_name="Hokimov", title="Tuman hokimi")
        self.d_deputy = testing.staff(self.district, position="deputy", roles=("signatory",), username="d_deputy")
        self.dep_head = testing.staff(self.department, position="head", roles=("signatory",), username="dep_head")
        self.dep_deputy = testing.staff(self.department, position="deputy", roles=("signatory",),
                                        username="dep_deputy")
        self.dep_exec = testing.staff(self.department, roles=("executor",), username="dep_exec")
        self.u_exec = testing.staff(self.utility, roles=("executor",), username="u_exec")
        self.observer = testing.staff(self.reception, roles=("observer",), username="observer")

    def data(self, **over):
        d = {
            "applicant_kind": "individual", "last_name": "Karimov", "first_name": "Alisher",
            "patronymic": "Bahodirovich", "address": "Namangan shahri, Navoiy koʻchasi 12",
            "email": "alisher@example.uz", "phone": "+998 90 123 45 67", "kind": "complaint",
            "addressee": self.region.pk, "territory": "1714", "language": "en",
            "text": "Mahallamizda ichimlik suvi uch haftadan beri yoʻq, chora koʻrishingizni soʻrayman.",
        }
        d.update(over)
        return d

    def submit(self, **over):
        return services.appeal_submit(data=self.data(**over))

    def in_work(self, organisation=None, **over):
        """Submitted, accepted and assigned to the district (or ``organisation``) as lead."""
        appeal = self.submit(**over)
        services.appeal_accept(appeal=appeal, actor=self.cg)
        services.appeal_assign(appeal=appeal, actor=self.wg, organisation=organisation or self.district)
        return appeal

    def answer(self, appeal, **over):
        kwargs = dict(appeal=appeal, actor=self.d_exec, upload=pdf(), answer_number="01-12/345",
                      sent_on=appeal.registered_on, signer=self.d_head, executor=self.d_exec, outcome="satisfied")
        kwargs.update(over)
        return services.appeal_answer(**kwargs)


@pytest.fixture
def gov(db):
    return Gov()


@pytest.fixture
def workday():
    """An ordinary Wednesday morning in Tashkent; the clock runs on from there."""
    with time_machine.travel(at("2026-06-03 10:00"), tick=True) as traveller:
        yield traveller


@pytest.fixture
def outbox(db):
    from nazorat.notifications.models import Notification

    return Notification.objects
