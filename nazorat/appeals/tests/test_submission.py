"""Submission and registration: Art 6 validation, the register's numbers, the registration day (Art 23) and
the statutory terms (Art 28) across days off and month ends; paper appeals; the author is told."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nazorat.appeals import services
from nazorat.appeals.models import Appeal, Applicant
from nazorat.appeals.selectors import appeal_by_tracking
from nazorat.cases.models import Attachment, Case
from nazorat.core.models import Event

from .conftest import PNG, at, pdf


def _nothing_stored():
    return not (Case.objects.filter(kind="appeal").exists() or Appeal.objects.exists()
                or Attachment.objects.exists() or Applicant.objects.exists())


@pytest.mark.parametrize(("missing", "field", "message"), [
    ("last_name", "last_name", "Give your last name."),
    ("first_name", "first_name", "Give your first name."),
    ("address", "address", "Give your place of residence."),
    ("addressee", "addressee", "Choose the body the appeal is addressed to."),
    ("text", "text", "Describe the essence of the appeal"),
    ("territory", "territory", "Choose the territory (SOATO code)"),
    ("kind", "kind", "Choose application, complaint or proposal."),
])
def test_each_missing_required_field_is_named_and_nothing_is_stored(gov, missing, field, message):
    with pytest.raises(ValidationError) as exc:
        gov.submit(**{missing: ""})
    assert list(exc.value.message_dict) == [field]
    assert message in exc.value.message_dict[field][0]
    assert _nothing_stored()


def test_invalid_values_are_refused_per_field_with_translated_messages(gov):
    bad = gov.data(territory="9999999", addressee="12345678", email="not-an-email", phone="12", kind="petition",
                   tin="12")
    with pytest.raises(ValidationError) as exc:
        services.appeal_submit(data=bad)
    assert set(exc.value.message_dict) == {"territory", "addressee", "email", "phone", "kind"}
    from django.utils import translation

    with translation.override("ru"):
        with pytest.raises(ValidationError) as ru:
            services.appeal_submit(data=gov.data(last_name=""))
    assert ru.value.message_dict["last_name"][0] != "Give your last name."
    assert _nothing_stored()


def test_a_legal_entity_gives_its_name_and_postal_address(gov):
    with pytest.raises(ValidationError) as exc:
        gov.submit(applicant_kind="legal_entity", last_name="", first_name="", organisation_name="", address="")
    assert set(exc.value.message_dict) == {"organisation_name", "address"}
    appeal = gov.submit(applicant_kind="legal_entity", organisation_name="«Textile Plus» MChJ", tin="301234567")
    assert appeal.author_name == "«Textile Plus» MChJ" and appeal.last_name == ""


def test_a_representative_must_attach_the_authority_document(gov):
    with pytest.raises(ValidationError) as exc:
        gov.submit(via_representative=True, representative_name="Olimov Sardor")
    assert "representative_document" in exc.value.message_dict
    assert _nothing_stored()
    appeal = gov.submit(via_representative=True, representative_name="Olimov Sardor",
                        representative_document=pdf("ishonchnoma.pdf"))
    assert appeal.representative_document.purpose == "representative"


def test_a_bad_attachment_stores_nothing(gov):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as exc:
        services.appeal_submit(data=gov.data(), attachments=[pdf(), SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 50)])
    assert "attachments" in exc.value.message_dict
    assert _nothing_stored()


def test_a_collective_appeal_lists_its_signatories_and_the_first_receives_the_answer(gov):
    with pytest.raises(ValidationError) as exc:
        gov.submit(is_collective=True, signatories=[{"full_name": "Karimov Alisher", "address": "Navoiy 12"}])
    assert "signatories" in exc.value.message_dict
    appeal = gov.submit(is_collective=True, signatories='[{"full_name": "Rahimova Dilnoza", "address": "Navoiy 14"},'
                                                       ' {"full_name": "Karimov Alisher", "address": "Navoiy 12"}]')
    assert list(appeal.signatories.values_list("order", "full_name")) == [(1, "Rahimova Dilnoza"),
                                                                        (2, "Karimov Alisher")]
    assert appeal.answer_recipient == "Rahimova Dilnoza"


def test_numbers_are_gap_free_per_body_and_year_and_a_refused_submission_takes_none(gov, workday):
    first = gov.submit(text="Birinchi murojaat: yoʻl taʼmirlanmagan, iltimos chora koʻring.")
    with pytest.raises(ValidationError):
        gov.submit(last_name="")
    second = gov.submit(last_name="Rahimova", first_name="Dilnoza", email="", phone="",
                        text="Ikkinchi murojaat: maktabda isitish ishlamayapti, yordam bering.")
    other_body = gov.submit(addressee=gov.district.pk, last_name="Olimov", email="", phone="",
                            text="Tumanga murojaat: koʻcha chiroqlari yonmayapti, tuzatib bering.")
    assert [first.case.sequence, second.case.sequence] == [1, 2]
    assert other_body.case.sequence == 1
    assert first.case.number == f"M-{gov.region.pk}-26-00001"
    assert second.case.number == f"M-{gov.region.pk}-26-00002"


@pytest.mark.parametrize(("received", "registered"), [
    ("2026-06-03 10:00", "2026-06-03"),  # Wednesday, office hours
    ("2026-06-03 07:30", "2026-06-03"),  # before opening: still that day
    ("2026-06-03 17:59", "2026-06-03"),
    ("2026-06-03 18:00", "2026-06-04"),  # after hours: the next working day (Art 23)
    ("2026-06-05 19:40", "2026-06-08"),  # Friday evening: Monday
    ("2026-06-06 11:00", "2026-06-08"),  # Saturday
    ("2026-05-27 10:00", "2026-06-01"),  # Qurbon hayit, then decree days and a weekend
    ("2026-05-26 17:30", "2026-06-01"),  # the shortened day before the holiday closes at 17:00
    ("2026-05-26 16:30", "2026-05-26"),
])
def test_registration_day_follows_the_office_hours_and_the_calendar(gov, received, registered):
    with time_machine.travel(at(received), tick=False):
        appeal = gov.submit()
    assert appeal.received_at == at(received)
    assert appeal.registered_on == date.fromisoformat(registered)


@pytest.mark.parametrize(("received", "kind", "due"), [
    ("2026-06-01 10:00", "application", "2026-06-16"),  # 15 days, an ordinary Tuesday
    ("2026-05-12 10:00", "complaint", "2026-06-01"),  # 15 days end on Qurbon hayit: after the days off
    ("2026-03-06 10:00", "complaint", "2026-03-24"),  # ends on Navroʻz (Saturday): after the moved Monday
    ("2026-06-05 19:00", "application", "2026-06-23"),  # registered Monday 8 June: counted from then
    ("2025-01-31 10:00", "proposal", "2025-02-28"),  # one month from 31 January: the last day of February
    ("2026-04-27 10:00", "proposal", "2026-06-01"),  # one month ending on Qurbon hayit
    ("2026-12-16 10:00", "complaint", "2027-01-04"),  # across the year end and New Year
])
def test_statutory_terms_count_from_registration_and_end_on_a_working_day(gov, received, kind, due):
    with time_machine.travel(at(received), tick=False):
        appeal = gov.submit(kind=kind)
    case = appeal.case
    assert timezone.localtime(case.due_at).date() == date.fromisoformat(due)
    assert case.original_due_at == case.due_at
    assert timezone.localtime(case.due_at).time().hour == 23


def test_without_rolling_a_term_may_end_on_a_day_off(gov, settings):
    settings.NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY = False
    with time_machine.travel(at("2026-05-12 10:00"), tick=False):
        appeal = gov.submit()
    assert timezone.localtime(appeal.case.due_at).date() == date(2026, 5, 27)


def test_submission_returns_a_tracking_code_that_is_stored_only_as_a_hash(gov, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = gov.submit()
    code = appeal.tracking_code
    assert len(code) == 10 and code.isalnum()
    stored = Appeal.objects.get(pk=appeal.pk)
    assert code not in stored.tracking_hash and not hasattr(stored, "tracking_code")
    assert appeal_by_tracking(appeal.case.number, code).pk == appeal.pk
    assert appeal_by_tracking(appeal.case.number, code.lower()).pk == appeal.pk
    assert appeal_by_tracking(appeal.case.number, "WRONG23456") is None
    assert appeal_by_tracking("M-0-26-00001", code) is None
    # The author is told at registration, by e-mail and SMS, in the appeal's language, with the number and code.
    sent = {n.channel: n for n in outbox.filter(case_id=appeal.pk)}
    assert set(sent) == {"email", "sms"}
    assert sent["email"].address == "alisher@example.uz" and sent["sms"].address == "+998901234567"
    assert appeal.case.number in sent["email"].body and code in sent["sms"].body
    assert sent["email"].language == "en"


def test_the_author_is_told_in_the_language_of_the_appeal(gov, outbox):
    appeal = gov.submit(language="ru")
    mail = outbox.get(case_id=appeal.pk, channel="email")
    assert mail.language == "ru" and "Your appeal" not in mail.body


def test_the_registering_body_sees_the_appeal_waiting_for_acceptance(gov):
    from nazorat.cases.selectors import inbox_for

    appeal = gov.submit()
    assert inbox_for(gov.cg).filter(case=appeal.case, action="accept_appeal").exists()
    assert inbox_for(gov.wg).filter(case=appeal.case, action="accept_appeal").exists()
    assert not inbox_for(gov.d_exec).filter(case=appeal.case).exists()


def test_staff_register_a_written_appeal_with_the_actual_time_of_receipt(gov, workday):
    received = timezone.now() - timedelta(days=2, hours=3)
    appeal = services.appeal_register_paper(actor=gov.cg, data=gov.data(), received_at=received, form="written",
                                            attachments=[pdf("skan.pdf")])
    assert appeal.form == "written" and appeal.received_at == received
    assert appeal.registered_on == services.registration_date(received, gov.region)
    assert appeal.case.created_by == gov.cg
    assert appeal.case.attachments.get().purpose == "appeal"
    with pytest.raises(PermissionDenied):
        services.appeal_register_paper(actor=gov.d_exec, data=gov.data(), received_at=received, form="oral")
    with pytest.raises(ValidationError) as exc:
        services.appeal_register_paper(actor=gov.cg, data=gov.data(last_name=""), form="electronic",
                                       received_at=timezone.now() + timedelta(days=1))
    assert {"form", "received_at", "last_name"} <= set(exc.value.message_dict)


def test_a_signed_in_citizen_is_the_applicant_of_the_case(gov):
    from nazorat import testing

    citizen = testing.citizen(username="alisher")
    appeal = services.appeal_submit(data=gov.data(), actor=citizen)
    assert appeal.case.applicant == citizen
    assert Event.objects.filter(case_id=appeal.pk, action="case.opened", is_public=True).exists()


def test_a_non_pdf_named_pdf_is_still_an_accepted_attachment_only_by_content(gov):
    from django.core.files.uploadedfile import SimpleUploadedFile

    appeal = services.appeal_submit(data=gov.data(), attachments=[SimpleUploadedFile("rasm.pdf", PNG)])
    att = appeal.case.attachments.get()
    assert att.content_type == "image/png"  # photos are fine with an appeal; only the answer must be a PDF
