"""From acceptance to the answer: assignment with binding deadlines, forwarding and return (Art 25), the
head's extension and extra study (Art 28), the answer letter and its signer (R-B5, R-B6), the working group's
review (R-B7), anonymous, repeated, duplicate and withdrawn appeals (Art 25, 29, 30, 32), the rating."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nazorat.appeals import kinds, services
from nazorat.appeals.models import Appeal
from nazorat.cases.models import Attachment, ExtensionRequest, ReviewRound
from nazorat.cases.services import CaseStateError
from nazorat.core.models import Event

from .conftest import PNG, at, docx_bytes, pdf

pytestmark = pytest.mark.usefixtures("workday")


def _status(appeal):
    return Appeal.objects.select_related("case").get(pk=appeal.pk).case.status


def _mails(outbox, appeal, event):
    return list(outbox.filter(key__startswith=f"appeal:{appeal.pk}:{event}:"))


# --- acceptance and assignment --------------------------------------------------------------------

def test_the_working_group_accepts_with_the_comment_and_registration_cannot_be_refused(gov):
    appeal = gov.submit()
    assert "reject" not in kinds.APPEAL.transitions and "refuse" not in kinds.APPEAL.transitions
    with pytest.raises(PermissionDenied):
        services.appeal_accept(appeal=appeal, actor=gov.d_exec)
    services.appeal_accept(appeal=appeal, actor=gov.cg)
    assert _status(appeal) == "accepted"
    event = Event.objects.get(case_id=appeal.pk, action="case.accept")
    assert event.payload["comment"] == "Ijro uchun qabul qilindi" and event.actor == gov.cg
    with pytest.raises(CaseStateError):
        services.appeal_accept(appeal=appeal, actor=gov.wg)


def test_assignment_needs_acceptance_and_the_centres_deadline_binds(gov):
    appeal = gov.submit()
    with pytest.raises(CaseStateError):
        services.appeal_assign(appeal=appeal, actor=gov.wg, organisation=gov.district)
    services.appeal_accept(appeal=appeal, actor=gov.wg)
    with pytest.raises(PermissionDenied):
        services.appeal_assign(appeal=appeal, actor=gov.d_exec, organisation=gov.district)
    case = Appeal.objects.get(pk=appeal.pk).case
    with pytest.raises(ValidationError) as exc:
        services.appeal_assign(appeal=appeal, actor=gov.wg, organisation=gov.district,
                               due_at=case.due_at + timedelta(days=1))
    assert "due_at" in exc.value.message_dict
    centre_due = case.due_at - timedelta(days=5)
    lead = services.appeal_assign(appeal=appeal, actor=gov.wg, organisation=gov.district, due_at=centre_due)
    co = services.appeal_assign(appeal=appeal, actor=gov.wg, organisation=gov.utility, role="co_executor")
    assert lead.due_at == centre_due and co.due_at == case.due_at
    assert _status(appeal) == "assigned"


# --- forwarding and return (Art 25) ---------------------------------------------------------------

def test_forwarding_to_the_body_complained_about_or_a_unit_of_it_is_refused(gov):
    appeal = gov.submit(complained_about=gov.district.pk)
    sub_unit = __import__("nazorat.testing", fromlist=["org"]).org(
        kind="hokimlik_department", name="Tuman obodonlashtirish boʻlimi", territory_code="1714224",
        parent=gov.district)
    for target in (gov.district, sub_unit):
        with pytest.raises(ValidationError) as exc:
            services.appeal_forward(appeal=appeal, actor=gov.wg, to=target, reason="Tuman vakolatiga kiradi.")
        assert "Art 25" in exc.value.message_dict["to"][0]
    assert _status(appeal) == "registered"
    assert not Appeal.objects.exclude(pk=appeal.pk).exists()


def test_forwarding_opens_a_new_appeal_with_its_own_term_and_tells_the_author(gov, workday, outbox):
    appeal = gov.submit()
    code = appeal.tracking_code
    Attachment.objects.create(case=appeal.case, purpose="appeal", original_name="foto.jpg", content_type="image/jpeg",
                              size=3, sha256="a" * 64, file="attachments/x")
    workday.move_to(at("2026-06-08 11:00"))  # five days after registration on 3 June
    new = services.appeal_forward(appeal=appeal, actor=gov.wg, to=gov.utility,
                                  reason="Ichimlik suvi masalasi Suvoqova vakolatida.")
    assert _status(appeal) == "forwarded"
    assert new.forwarded_from_id == appeal.pk and new.case.register == gov.utility
    assert new.case.status == "registered" and new.case.number.startswith(f"M-{gov.utility.pk}-26-")
    assert new.registered_on == date(2026, 6, 8)
    assert timezone.localtime(new.case.due_at).date() == date(2026, 6, 23)  # 15 days from its own registration
    assert new.text == appeal.text and new.last_name == "Karimov"
    assert new.case.attachments.get().original_name == "foto.jpg"
    from nazorat.appeals.selectors import appeal_by_tracking, public_view

    assert appeal_by_tracking(new.case.number, code).pk == new.pk
    assert public_view(Appeal.objects.get(pk=appeal.pk))["forwarded_to"] == new.case.number
    told = _mails(outbox, appeal, "forwarded")
    assert {n.channel for n in told} == {"email", "sms"} and new.case.number in told[0].body
    assert "Suvoqova" in told[0].body


def test_forwarding_after_five_days_is_refused(gov, workday):
    appeal = gov.submit()
    workday.move_to(at("2026-06-09 10:00"))
    with pytest.raises(CaseStateError):
        services.appeal_forward(appeal=appeal, actor=gov.wg, to=gov.utility, reason="Suvoqova vakolatida.")


def test_returning_to_the_author_needs_reasons_and_tells_them(gov, outbox):
    appeal = gov.submit()
    with pytest.raises(ValidationError):
        services.appeal_return_to_author(appeal=appeal, actor=gov.wg, reasons="")
    services.appeal_return_to_author(appeal=appeal, actor=gov.wg, reasons="Manzil va muammo joyi koʻrsatilmagan.")
    assert _status(appeal) == "returned_to_author"
    assert "Manzil va muammo joyi" in _mails(outbox, appeal, "returned")[0].body


# --- extension and extra study (Art 28) -------------------------------------------------------------

def test_only_the_head_extends_once_by_at_most_a_month_and_the_author_is_told(gov, outbox):
    appeal = gov.in_work()
    case = Appeal.objects.get(pk=appeal.pk).case
    first_due = case.due_at
    assert timezone.localtime(first_due).date() == date(2026, 6, 18)
    for person in (gov.wg, gov.first_deputy, gov.d_head):
        with pytest.raises(PermissionDenied):
            services.appeal_extend(appeal=appeal, actor=person, new_due=date(2026, 7, 1), reasons="Tekshiruv kerak.")
    with pytest.raises(ValidationError) as exc:
        services.appeal_extend(appeal=appeal, actor=gov.governor, new_due=date(2026, 7, 21),
                               reasons="Joyida tekshiruv oʻtkazish kerak.")
    assert "one month" in exc.value.message_dict["new_due"][0]
    with pytest.raises(ValidationError):
        services.appeal_extend(appeal=appeal, actor=gov.governor, new_due=date(2026, 6, 10),
                               reasons="Joyida tekshiruv oʻtkazish kerak.")
    services.appeal_extend(appeal=appeal, actor=gov.governor, new_due=date(2026, 7, 18),
                           reasons="Joyida tekshiruv oʻtkazish kerak.")
    case.refresh_from_db()
    assert timezone.localtime(case.due_at).date() == date(2026, 7, 20)  # 18 July is a Saturday: Monday
    assert case.original_due_at == first_due
    assert case.assignments.get().due_at == case.due_at  # the executor whose deadline was the case's follows
    req = ExtensionRequest.objects.get(case=case)
    assert req.state == "granted" and req.old_due_at == first_due and req.decided_by == gov.governor
    told = _mails(outbox, appeal, "extended")
    assert told and "20" in told[0].body
    with pytest.raises(CaseStateError):
        services.appeal_extend(appeal=appeal, actor=gov.governor, new_due=date(2026, 7, 21),
                               reasons="Yana tekshiruv kerak boʻldi.")


def test_extra_study_gives_an_application_one_month_and_a_proposal_a_notice(gov, workday, outbox):
    complaint = gov.submit()
    services.appeal_mark_extra_study(appeal=complaint, actor=gov.wg)
    case = Appeal.objects.get(pk=complaint.pk).case
    assert timezone.localtime(case.due_at).date() == date(2026, 7, 3)
    assert timezone.localtime(case.original_due_at).date() == date(2026, 6, 18)
    assert not _mails(outbox, complaint, "extra_study")
    proposal = gov.submit(kind="proposal", text="Taklif: tuman markazida velosiped yoʻlaklari qurilsin.")
    due_before = Appeal.objects.get(pk=proposal.pk).case.due_at
    services.appeal_mark_extra_study(appeal=proposal, actor=gov.wg)
    assert Appeal.objects.get(pk=proposal.pk).case.due_at == due_before
    assert _mails(outbox, proposal, "extra_study")
    late = gov.submit(kind="proposal", last_name="Olimov", email="", phone="",
                      text="Taklif: bogʻlarda koʻproq oʻrindiqlar oʻrnatilsin, aholi uchun qulay boʻladi.")
    workday.move_to(at("2026-06-15 10:00"))
    with pytest.raises(CaseStateError):
        services.appeal_mark_extra_study(appeal=late, actor=gov.wg)


# --- the answer (R-B5, R-B6) ------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "signer", "allowed"), [
    ("region", "governor", True),
    ("region", "first_deputy", True),
    ("region", "deputy", True),
    ("district", "d_head", True),
    ("district", "d_deputy", False),
    ("department", "dep_head", True),
    ("department", "dep_deputy", False),
    ("district", "d_exec", False),
])
def test_who_may_sign_the_answer(gov, body, signer, allowed):
    org = {"region": gov.region, "district": gov.district, "department": gov.department}[body]
    executor = {"region": gov.region_exec, "district": gov.d_exec, "department": gov.dep_exec}[body]
    appeal = gov.in_work(organisation=org)
    call = dict(appeal=appeal, actor=executor, executor=executor, signer=getattr(gov, signer))
    if allowed:
        gov.answer(**call)
        assert _status(appeal) == "under_review"
    else:
        with pytest.raises(PermissionDenied) as exc:
            gov.answer(**call)
        assert "signed only by" in str(exc.value) or "signatory" in str(exc.value)
        assert _status(appeal) == "assigned"
        assert not Attachment.objects.filter(case=appeal.case, purpose="answer").exists()


def test_a_signer_needs_the_signatory_role_in_the_executing_body(gov):
    from nazorat import testing

    head_without_role = testing.staff(gov.utility, position="head", roles=("executor",))
    appeal = gov.in_work(organisation=gov.utility)
    with pytest.raises(PermissionDenied) as exc:
        gov.answer(appeal, actor=gov.u_exec, executor=gov.u_exec, signer=head_without_role)
    assert "signatory role" in str(exc.value)
    with pytest.raises(PermissionDenied):  # the governor does not work in the utility
        gov.answer(appeal, actor=gov.u_exec, executor=gov.u_exec, signer=gov.governor)


@pytest.mark.parametrize(("name", "content"), [("javob.pdf", PNG), ("javob.docx", None), ("javob.pdf", None)])
def test_only_a_pdf_by_content_is_accepted_as_the_answer(gov, name, content):
    appeal = gov.in_work()
    data = content if content is not None else docx_bytes()
    with pytest.raises(ValidationError) as exc:
        gov.answer(appeal, upload=SimpleUploadedFile(name, data))
    messages = " ".join(exc.value.message_dict["upload"])
    assert "Accepted: PDF" in messages and "JPG, Word" in messages
    assert not Attachment.objects.filter(case=appeal.case, purpose="answer").exists()
    assert not ReviewRound.objects.filter(case=appeal.case).exists()
    assert _status(appeal) == "assigned"


def test_the_answer_is_stored_under_the_authors_initials_with_the_result_record(gov):
    appeal = gov.in_work()
    rnd = gov.answer(appeal)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.answer.original_name == "A.B.Karimov.pdf" and appeal.answer.content_type == "application/pdf"
    assert appeal.answer.review_round == rnd and rnd.reviewer_org == gov.region and rnd.reviewer_role == "reviewer"
    assert (appeal.answer_number, appeal.answer_sent_on) == ("01-12/345", date(2026, 6, 3))
    assert (appeal.signer_position, appeal.signer_name) == ("Tuman hokimi", "Hokimov Bobur")
    assert (appeal.executor_position, appeal.executor_name) == ("Bosh mutaxassis", "Ijrochiyev Dilshod")
    company = gov.in_work(applicant_kind="legal_entity", organisation_name="«Textile Plus» MChJ", last_name="",
                          first_name="", email="", phone="", text="Korxonamizga gaz ulanmagan, yordam soʻraymiz.")
    gov.answer(company)
    assert Appeal.objects.get(pk=company.pk).answer.original_name == "textile-plus-mchj.pdf"


def test_the_answer_fields_are_checked_before_anything_is_stored(gov):
    appeal = gov.in_work()
    with pytest.raises(ValidationError) as exc:
        gov.answer(appeal, answer_number="", sent_on=date(2026, 6, 10), executor=gov.region_exec)
    assert set(exc.value.message_dict) == {"answer_number", "sent_on", "executor"}
    with pytest.raises(PermissionDenied):
        gov.answer(appeal, actor=gov.u_exec)  # not the executing body
    assert not Attachment.objects.filter(case=appeal.case).exists()


# --- review (R-B7) -------------------------------------------------------------------------------------

def test_review_returns_with_reasons_then_the_second_round_is_accepted_and_the_author_told(gov, outbox):
    appeal = gov.in_work()
    gov.answer(appeal)
    with pytest.raises(PermissionDenied):
        services.appeal_review(appeal=appeal, actor=gov.d_head, accept=True)
    with pytest.raises(ValidationError):
        services.appeal_review(appeal=appeal, actor=gov.wg, accept=False, reasons="")
    services.appeal_review(appeal=appeal, actor=gov.wg, accept=False,
                           reasons="Muallif bilan joyida uchrashilmagan, suv taʼminoti tiklanmagan.")
    assert _status(appeal) == "returned"
    assert not _mails(outbox, appeal, "answered")
    with pytest.raises(CaseStateError):
        services.appeal_review(appeal=appeal, actor=gov.wg, accept=True)  # nothing waits for review now
    gov.answer(appeal, answer_number="01-12/400", upload=pdf("ikkinchi.pdf"))
    rounds = list(ReviewRound.objects.filter(case_id=appeal.pk).order_by("number").values_list("number", "verdict"))
    assert rounds == [(1, "returned"), (2, "pending")]
    services.appeal_review(appeal=appeal, actor=gov.wg, accept=True)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.case.status == "answered" and appeal.case.closed_at is not None
    assert appeal.answer_number == "01-12/400"
    told = _mails(outbox, appeal, "answered")
    assert {n.channel for n in told} == {"email", "sms"} and "01-12/400" in told[0].body


def test_an_interim_answer_never_removes_the_appeal_from_control(gov):
    appeal = gov.in_work()
    gov.answer(appeal)
    case = Appeal.objects.get(pk=appeal.pk).case
    assert case.closed_at is None and case.status == "under_review"
    assert not ({"close", "release", "answer"} & set(kinds.APPEAL.transitions))


# --- anonymous, repeated, duplicate, withdrawn (Art 25, 29, 30, 32) --------------------------------------

def test_an_anonymous_appeal_is_left_unconsidered_by_the_head_without_telling_the_author(gov, outbox):
    appeal = gov.submit()
    with pytest.raises(PermissionDenied):
        services.appeal_leave_unconsidered(appeal=appeal, actor=gov.wg, conclusion="Manzil soxta, muallif topilmadi.")
    services.appeal_leave_unconsidered(appeal=appeal, actor=gov.governor, conclusion="Manzil soxta, muallif topilmadi.")
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.case.status == "left_unconsidered" and appeal.closure_ground == "anonymous"
    assert not _mails(outbox, appeal, "unconsidered")
    other = gov.submit(last_name="Olimov", email="olimov@example.uz", phone="",
                       text="Vakil orqali: qoʻshnimizning uyi noqonuniy qurilgan, tekshiring.")
    services.appeal_leave_unconsidered(appeal=other, actor=gov.governor, ground="no_authority",
                                       conclusion="Vakilning vakolatini tasdiqlovchi hujjat yoʻq.")
    assert _mails(outbox, other, "unconsidered")


def test_a_duplicate_during_consideration_joins_the_first(gov, outbox):
    first = gov.submit()
    again = gov.submit(text=first.text + " ")
    again = Appeal.objects.get(pk=again.pk)
    assert again.duplicate_of_id == first.pk and again.case.status == "joined"
    assert again.case.due_at is None  # no new term: considered together with the first
    assert Event.objects.filter(case_id=first.pk, action="appeal.duplicate_joined").exists()
    assert first.case.number in _mails(outbox, again, "registered")[0].body
    different = gov.submit(text="Butunlay boshqa masala: maktab tomi oqayapti, taʼmirlash kerak.")
    assert different.duplicate_of_id is None and _status(different) == "registered"


def test_a_repeat_after_the_answer_is_linked_and_a_closed_correspondence_ends_silently(gov, workday, outbox):
    first = gov.in_work()
    gov.answer(first)
    services.appeal_review(appeal=first, actor=gov.wg, accept=True)
    workday.move_to(at("2026-06-10 10:00"))
    repeat = gov.submit(text="Yana murojaat qilaman: mahallamizda ichimlik suvi hali ham yoʻq, javobingiz "
                             "muammoni hal qilmadi, chora koʻrishingizni soʻrayman.")
    assert repeat.repeat_of_id == first.pk and _status(repeat) == "registered"
    assert Event.objects.filter(case_id=first.pk, action="appeal.repeat_detected").exists()
    with pytest.raises(ValidationError):  # only a repeat may be closed for bringing nothing new
        services.appeal_terminate(appeal=first, actor=gov.governor, ground="repeated", note="Yangi dalil yoʻq.")
    services.appeal_terminate(appeal=repeat, actor=gov.governor, ground="repeated",
                              note="Yangi dalillar keltirilmagan, avvalgi murojaat toʻliq koʻrib chiqilgan.")
    repeat = Appeal.objects.get(pk=repeat.pk)
    assert repeat.case.status == "terminated" and repeat.correspondence_closed
    assert _mails(outbox, repeat, "terminated")
    workday.move_to(at("2026-06-17 10:00"))
    before = outbox.count()
    third = gov.submit(text="Yana bir bor: ichimlik suvi hali ham yoʻq, javobingiz muammoni hal qilmadi.")
    third = Appeal.objects.get(pk=third.pk)
    assert third.case.status == "terminated" and third.repeat_of_id is not None
    assert third.case.number  # registered all the same (Art 23)
    assert outbox.count() == before  # without notice (Art 30)
    unrelated = gov.submit(text="Boshqa masala: koʻchamizdagi chiroqlar yonmayapti, tuzatib bering.")
    assert _status(unrelated) == "registered"


def test_the_author_withdraws_before_the_answer_but_not_after(gov):
    appeal = gov.in_work()
    with pytest.raises(PermissionDenied):
        services.appeal_withdraw(appeal=appeal, tracking_code="WRONGCODE2")
    services.appeal_withdraw(appeal=appeal, tracking_code=appeal.tracking_code)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.case.status == "withdrawn" and not appeal.case.assignments.open().exists()
    answered = gov.in_work(last_name="Olimov", email="o@example.uz", phone="",
                           text="Boshqa masala: koʻchamizdagi chiroqlar yonmayapti, tuzatib bering.")
    gov.answer(answered)
    services.appeal_review(appeal=answered, actor=gov.wg, accept=True)
    with pytest.raises(CaseStateError) as exc:
        services.appeal_withdraw(appeal=answered, tracking_code=answered.tracking_code)
    assert "answered" in str(exc.value)


def test_the_author_rates_the_answer_once(gov):
    appeal = gov.in_work()
    with pytest.raises(CaseStateError):
        services.appeal_rate(appeal=appeal, tracking_code=appeal.tracking_code, rating=5)
    gov.answer(appeal)
    services.appeal_review(appeal=appeal, actor=gov.wg, accept=True)
    with pytest.raises(ValidationError):
        services.appeal_rate(appeal=appeal, tracking_code=appeal.tracking_code, rating=6)
    services.appeal_rate(appeal=appeal, tracking_code=appeal.tracking_code, rating=4, comment="Suv berildi, rahmat.")
    assert Appeal.objects.get(pk=appeal.pk).rating == 4
    with pytest.raises(CaseStateError):
        services.appeal_rate(appeal=appeal, tracking_code=appeal.tracking_code, rating=5)
