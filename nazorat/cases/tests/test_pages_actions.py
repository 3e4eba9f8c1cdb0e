"""The kernel's actions from the case page, as the people doing them notice: which forms they are offered,
what happens when they press the buttons, and what they are told when something is refused."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nazorat import testing
from nazorat.cases import services
from nazorat.cases.models import Assignment, AssignmentState, Attachment, Case, ExtensionRequest, ReviewRound, Verdict
from nazorat.core.models import Event
from nazorat.orgs import services as org_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_A_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64  # a Windows program


# --- helpers -------------------------------------------------------------------------------------------

def letter(world, due, **kw):
    return services.case_open(kind="letter", actor=world.controller, owner=world.region,
                              title=kw.pop("title", "Kuz-qish mavsumiga tayyorgarlik haqida"), due_at=due,
                              territory=world.region.territory, **kw)


def login(client, user):
    """Log in; a signatory also passes the second factor, as they must before any staff page."""
    client.force_login(user)
    if user.memberships.filter(roles__role="signatory").exists():
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def page(client, user, case):
    login(client, user)
    return client.get(reverse("cases:detail", args=[case.pk]))


def action_urls(html: str) -> set[str]:
    """Where the page's forms post to (the case page's actions only, not the language switcher)."""
    return {u for u in re.findall(r'<form[^>]*action="([^"]+)"', html) if u.startswith("/cases/")}


def url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


def local(dt) -> str:
    """A moment as a datetime-local input sends it."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def field_error(html: str, field_id: str) -> str:
    """The error message tied to the field with this id (empty when there is none)."""
    m = re.search(rf'<div class="invalid-feedback d-block" id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    return m.group(1).strip() if m else ""


def described_by(html: str, field_id: str) -> bool:
    m = re.search(rf'<(?:input|textarea|select)[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    tag = m.group(0) if m else ""
    return 'aria-invalid="true"' in tag and f'{field_id}_error' in tag


def assign_data(world, organisation=None, **kw):
    data = {"organisation": (organisation or world.district_a).pk, "role": "lead", "due_at": "", "term_amount": "",
            "term_unit": "working_days", "instructions": "Maʼlumot taqdim etilsin.", "register_step": "on"}
    data.update(kw)
    return data


def events_of(case) -> int:
    return Event.objects.filter(case_id=case.pk).count()


@pytest.fixture
def assigned(world, soon):
    """A letter of the region given to district A, lead executor, with the register step."""
    citizen = testing.citizen(username="arizachi")
    case = letter(world, soon, applicant=citizen)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                                   steps=[services.StepSpec("register", "30 working_minutes")])
    return case, a, citizen


# --- who is offered what --------------------------------------------------------------------------------

def test_before_assignment_the_controller_may_assign_start_or_cancel(client, world, soon):
    case = letter(world, soon)
    html = page(client, world.controller, case).content.decode()
    assert action_urls(html) == {url("assign", case), url("transition", case, "start"), url("transition", case, "cancel")}
    assert "Give the case to an executing body" in html and "Start work on the case" in html
    # the bodies offered are the owner's subtree
    assert "Chust tumani hokimligi" in html and "Pop tumani hokimligi" in html


def test_permission_matrix_of_an_assigned_case(client, world, assigned):
    case, a, citizen = assigned
    sub = testing.org(name="Chust tumani obodonlashtirish boʻlimi", territory_code="1714224", parent=world.district_a,
                      code="chust-obod")
    observer = testing.staff(world.region, roles=("observer",), username="kuzatuvchi")
    accept, step = url("assignment_accept", case, a.pk), url("step_complete", case, a.pk, "register")
    result, extension = url("result_submit", case, a.pk), url("extension_request", case, a.pk)
    person, pass_on = url("assignment_person", case, a.pk), url("assignment_pass_on", case, a.pk)
    withdraw = url("assignment_withdraw", case, a.pk)
    owner_side = {url("assign", case), url("transition", case, "start"), url("transition", case, "cancel"), withdraw}
    expected = {
        world.controller: owner_side,                         # control group of the owner
        world.region_head: owner_side,                        # the owner's signatory
        world.a_executor: {accept, step, result, extension},  # executor of the assigned district
        world.a_control: {accept, step, result, extension, person, pass_on},  # its control group
        world.region_executor: set(),                         # sees the region's case, acts for no one here
        observer: set(),
        citizen: set(),                                       # the applicant: the public record only
    }
    for user, urls in expected.items():
        resp = page(client, user, case)
        assert resp.status_code == 200, user.username
        assert action_urls(resp.content.decode()) == urls, user.username
    html = page(client, world.a_control, case).content.decode()
    assert sub.name in html  # offered for passing on
    assert "Pop tumani hokimligi" not in html.split('id="action-a%d-passon"' % a.pk)[1].split("</details>")[0]
    # an executor of another district does not even see the case
    assert page(client, world.b_executor, case).status_code == 404
    login(client, world.b_executor)
    assert client.post(accept).status_code == 404
    assert Assignment.objects.get(pk=a.pk).state == AssignmentState.ASSIGNED


def test_the_citizen_page_has_no_action_forms_and_no_internal_files(client, world, assigned):
    case, a, citizen = assigned
    services.assignment_accept(assignment=a, actor=world.a_executor)
    att = services.attachment_add(actor=world.a_executor, upload=SimpleUploadedFile("ichki.pdf", PDF), case=case)
    services.result_submit(case=case, actor=world.a_executor, text="Bajarildi", assignment=a, attachments=[att])
    html = page(client, citizen, case).content.decode()
    assert action_urls(html) == set() and "What you can do" not in html and "ichki.pdf" not in html
    assert client.get(url("attachment", case, att.pk)).status_code == 404
    login(client, world.controller)
    resp = client.get(url("attachment", case, att.pk))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF


# --- the whole flow through the web forms -----------------------------------------------------------------

def test_the_whole_flow_through_the_web_forms(client, world, soon):
    case = letter(world, soon)

    # the controller gives the case to district A
    login(client, world.controller)
    resp = client.post(url("assign", case), assign_data(world), follow=True)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "The case was given to Chust tumani hokimligi." in html
    a = case.assignments.get()
    assert a.organisation == world.district_a and a.role == "lead" and a.due_at == case.due_at
    assert a.steps.get().code == "register"
    assert url("assignment_withdraw", case, a.pk) in action_urls(html)

    # the district's executor accepts it and marks the register step done
    html = page(client, world.a_executor, case).content.decode()
    assert "Accept for execution" in html and "Mark as done: Register and inform the head" in html
    html = client.post(url("assignment_accept", case, a.pk), follow=True).content.decode()
    assert "The assignment was accepted for execution." in html
    assert url("assignment_accept", case, a.pk) not in action_urls(html)
    assert Assignment.objects.get(pk=a.pk).state == AssignmentState.IN_PROGRESS
    html = client.post(url("step_complete", case, a.pk, "register"), follow=True).content.decode()
    assert "Marked as done: Register and inform the head." in html
    assert url("step_complete", case, a.pk, "register") not in action_urls(html)
    assert "✓" in html

    # ... and submits the result with a PDF
    upload = SimpleUploadedFile("javob.pdf", PDF, content_type="application/pdf")
    resp = client.post(url("result_submit", case, a.pk), {"text": "Isitish tizimlari tekshirildi.",
                                                          "attachments": upload}, follow=True)
    html = resp.content.decode()
    assert "The result was submitted for review." in html
    assert "Under review" in html and "javob.pdf" in html
    assert url("result_submit", case, a.pk) not in action_urls(html)
    rnd1 = case.review_rounds.get()
    assert [f.original_name for f in rnd1.attachments.all()] == ["javob.pdf"]

    # the controller returns it with reasons
    html = page(client, world.controller, case).content.decode()
    assert url("review_decide", case, rnd1.pk) in action_urls(html)
    assert "Result awaiting your review" in html and "Isitish tizimlari tekshirildi." in html
    resp = client.post(url("review_decide", case, rnd1.pk), {"decision": "return",
                                                             "reasons": "Dalolatnoma ilova qilinmagan."}, follow=True)
    html = resp.content.decode()
    assert "The result was returned for rework." in html and "Returned for rework" in html
    assert url("review_decide", case, rnd1.pk) not in action_urls(html)
    assert "Dalolatnoma ilova qilinmagan." in html

    # the executor sees the reasons and resubmits
    html = page(client, world.a_executor, case).content.decode()
    assert "Dalolatnoma ilova qilinmagan." in html and url("result_submit", case, a.pk) in action_urls(html)
    resp = client.post(url("result_submit", case, a.pk), {"text": "Dalolatnoma ilova qilindi."}, follow=True)
    assert "The result was submitted for review." in resp.content.decode()
    rnd2 = case.review_rounds.get(number=2)

    # the controller accepts: the case is closed and nobody is offered anything more
    login(client, world.controller)
    resp = client.post(url("review_decide", case, rnd2.pk), {"decision": "accept", "reasons": ""}, follow=True)
    html = resp.content.decode()
    assert "The result was accepted." in html and "Executed" in html
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    assert list(case.review_rounds.values_list("number", "verdict")) == [(1, Verdict.RETURNED), (2, Verdict.ACCEPTED)]
    for user in (world.controller, world.a_executor, world.a_control):
        assert action_urls(page(client, user, case).content.decode()) == set()


def test_passing_on_naming_the_person_and_withdrawing(client, world, soon):
    case = letter(world, soon)
    lead = services.assignment_create(case=case, actor=world.controller, organisation=world.region)
    login(client, world.controller)
    html = page(client, world.controller, case).content.decode()
    assert url("assignment_pass_on", case, lead.pk) in action_urls(html)
    resp = client.post(url("assignment_pass_on", case, lead.pk),
                       assign_data(world, world.district_b, due_at=local(soon - timedelta(days=2))), follow=True)
    assert "The assignment was passed on to Pop tumani hokimligi." in resp.content.decode()
    child = lead.children.get()
    assert child.organisation == world.district_b and child.due_at < lead.due_at

    # the region names its responsible person: only its own people who still work there are offered
    gone = testing.staff(world.region, roles=("executor",), username="ketgan")
    org_services.membership_end(actor=world.controller, membership=gone.memberships.get())
    html = page(client, world.controller, case).content.decode()
    form = html.split(f'id="action-a{lead.pk}-person"')[1].split("</details>")[0]
    assert world.region_executor.display_name in form
    assert world.b_executor.display_name not in form and gone.display_name not in form
    resp = client.post(url("assignment_person", case, lead.pk), {"person": world.b_executor.pk, "unit": ""})
    assert resp.status_code == 400
    assert "Select a valid choice" in field_error(resp.content.decode(), f"id_a{lead.pk}-person_person")
    resp = client.post(url("assignment_person", case, lead.pk), {"person": world.region_executor.pk, "unit": ""},
                       follow=True)
    assert f"{world.region_executor.display_name} is now responsible for the assignment." in resp.content.decode()
    assert Assignment.objects.get(pk=lead.pk).person == world.region_executor

    # withdrawing needs a reason, and then ends the child's work
    resp = client.post(url("assignment_withdraw", case, child.pk), {"reason": "  "})
    assert resp.status_code == 400
    assert field_error(resp.content.decode(), f"id_a{child.pk}-withdraw_reason") == "This field is required."
    assert Assignment.objects.get(pk=child.pk).state == AssignmentState.ASSIGNED
    resp = client.post(url("assignment_withdraw", case, child.pk), {"reason": "Xato yuborilgan"}, follow=True)
    assert "The assignment to Pop tumani hokimligi was withdrawn." in resp.content.decode()
    assert Assignment.objects.get(pk=child.pk).state == AssignmentState.CANCELLED


def test_extension_asked_and_granted_with_another_date_or_refused_with_a_note(client, world, soon):
    case = letter(world, soon + timedelta(days=20))
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.district_a, due_at=soon)
    login(client, world.a_executor)
    resp = client.post(url("extension_request", case, a.pk),
                       {"requested_due_at": local(soon + timedelta(days=10)), "reasons": "Kam"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "at least 10 characters" in field_error(html, f"id_a{a.pk}-extension_reasons")
    assert described_by(html, f"id_a{a.pk}-extension_reasons")
    assert not ExtensionRequest.objects.exists()
    resp = client.post(url("extension_request", case, a.pk),
                       {"requested_due_at": local(soon + timedelta(days=10)),
                        "reasons": "Pudratchi materiallarni kechiktirdi"}, follow=True)
    html = resp.content.decode()
    assert "The extension request was sent for a decision." in html
    assert url("extension_request", case, a.pk) not in action_urls(html)  # one request at a time
    req = ExtensionRequest.objects.get()

    # the executor cannot decide it; the controller can, with another date
    assert url("extension_decide", case, req.pk) not in action_urls(html)
    assert client.post(url("extension_decide", case, req.pk), {"decision": "grant"}).status_code == 403
    html = page(client, world.controller, case).content.decode()
    assert "Extension request from Chust tumani hokimligi" in html and "Pudratchi materiallarni" in html
    granted = soon + timedelta(days=5)
    resp = client.post(url("extension_decide", case, req.pk),
                       {"decision": "grant", "granted_due_at": local(granted), "note": "Besh kun yetarli"}, follow=True)
    html = resp.content.decode()
    assert "The extension was granted; the new deadline is" in html
    a.refresh_from_db()
    assert local(a.due_at) == local(granted) and a.original_due_at == soon

    # a refusal needs a note
    req2 = services.extension_request(case=case, actor=world.a_executor, assignment=a,
                                      requested_due_at=a.due_at + timedelta(days=3), reasons="Yana vaqt kerak, uzr")
    resp = client.post(url("extension_decide", case, req2.pk), {"decision": "refuse", "note": ""})
    assert resp.status_code == 400
    assert field_error(resp.content.decode(), f"id_e{req2.pk}-decide_note") == "Give the reasons for the refusal."
    resp = client.post(url("extension_decide", case, req2.pk), {"decision": "refuse", "note": "Muddat yetarli"},
                       follow=True)
    assert "The extension was refused." in resp.content.decode()
    req2.refresh_from_db()
    assert req2.state == "refused"


def test_the_letters_own_transitions(client, world, soon):
    case = letter(world, soon)
    login(client, world.controller)
    resp = client.post(url("transition", case, "start"), follow=True)
    assert "The case is now “In progress”." in resp.content.decode()
    resp = client.post(url("transition", case, "cancel"), {"reason": ""})
    assert resp.status_code == 400
    assert field_error(resp.content.decode(), "id_transition-cancel_reason") == "This field is required."
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    resp = client.post(url("transition", case, "cancel"), {"reason": "Dolzarbligini yoʻqotdi"}, follow=True)
    html = resp.content.decode()
    assert "The case is now “Cancelled”." in html and action_urls(html) == set()
    ev = Event.objects.get(case_id=case.pk, action="case.cancel")
    assert ev.payload["reason"] == "Dolzarbligini yoʻqotdi"


# --- refusals change nothing ------------------------------------------------------------------------------

def test_a_post_by_someone_not_entitled_is_403_and_changes_nothing(client, world, assigned):
    case, a, citizen = assigned
    observer = testing.staff(world.region, roles=("observer",), username="kuzatuvchi")
    before = events_of(case)
    attempts = [
        (world.a_executor, url("assign", case), assign_data(world, world.district_b, role="co_executor")),
        (world.a_executor, url("transition", case, "cancel"), {"reason": "Kerak emas"}),
        (world.a_executor, url("assignment_withdraw", case, a.pk), {"reason": "Kerak emas"}),
        (world.controller, url("assignment_accept", case, a.pk), {}),
        (observer, url("assignment_accept", case, a.pk), {}),
        (citizen, url("result_submit", case, a.pk), {"text": "Bajarildi"}),
        (world.a_executor, url("assignment_person", case, a.pk), {"person": world.a_executor.pk}),
    ]
    for user, target, data in attempts:
        login(client, user)
        resp = client.post(target, data)
        assert resp.status_code == 403, (user.username, target)
    login(client, citizen)
    resp = client.post(url("result_submit", case, a.pk), {"text": "Bajarildi"})
    assert "Only the executing body may submit the result." in resp.content.decode()
    assert events_of(case) == before
    a.refresh_from_db()
    assert a.state == AssignmentState.ASSIGNED and a.person is None
    assert case.assignments.count() == 1 and Case.objects.get(pk=case.pk).status == "open"

    # reviewing is for the reviewer, and never of one's own result
    services.result_submit(case=case, actor=world.a_executor, text="Bajarildi", assignment=a)
    rnd = case.review_rounds.get()
    login(client, world.a_executor)
    assert client.post(url("review_decide", case, rnd.pk), {"decision": "accept"}).status_code == 403
    assert ReviewRound.objects.get(pk=rnd.pk).verdict == Verdict.PENDING


def test_nobody_is_offered_or_allowed_to_review_their_own_result(client, world, soon):
    case = letter(world, soon)
    a = services.assignment_create(case=case, actor=world.controller, organisation=world.region)
    rnd = services.result_submit(case=case, actor=world.controller, text="Oʻzim bajardim", assignment=a)
    html = page(client, world.controller, case).content.decode()
    assert url("review_decide", case, rnd.pk) not in action_urls(html)
    resp = client.post(url("review_decide", case, rnd.pk), {"decision": "accept"})
    assert resp.status_code == 403
    assert "You cannot review a result you submitted yourself." in resp.content.decode()
    assert ReviewRound.objects.get(pk=rnd.pk).verdict == Verdict.PENDING
    colleague = testing.staff(world.region, roles=("control_group",), username="nazorat_guruhi")
    assert url("review_decide", case, rnd.pk) in action_urls(page(client, colleague, case).content.decode())


def test_returning_without_reasons_is_400_next_to_the_field(client, world, assigned):
    case, a, _citizen = assigned
    rnd = services.result_submit(case=case, actor=world.a_executor, text="Bajarildi", assignment=a)
    before = events_of(case)
    login(client, world.controller)
    resp = client.post(url("review_decide", case, rnd.pk), {"decision": "return", "reasons": "   "})
    assert resp.status_code == 400
    html = resp.content.decode()
    field = f"id_r{rnd.pk}-decide_reasons"
    assert field_error(html, field) == "Write the reasons for returning the result."
    assert described_by(html, field)
    assert "Nothing was changed: correct what is marked in the form below." in html
    assert ReviewRound.objects.get(pk=rnd.pk).verdict == Verdict.PENDING and events_of(case) == before
    # pressing neither button is refused too
    resp = client.post(url("review_decide", case, rnd.pk), {"reasons": "Nimadir"})
    assert resp.status_code == 400 and "Choose one of the two buttons." in resp.content.decode()


def test_a_deadline_later_than_the_parents_is_400_next_to_the_field(client, world, soon):
    case = letter(world, soon + timedelta(days=30))
    lead = services.assignment_create(case=case, actor=world.controller, organisation=world.region, due_at=soon)
    before = events_of(case)
    login(client, world.controller)
    resp = client.post(url("assignment_pass_on", case, lead.pk),
                       assign_data(world, due_at=local(soon + timedelta(days=1))))
    assert resp.status_code == 400
    html = resp.content.decode()
    field = f"id_a{lead.pk}-passon_due_at"
    assert "cannot be later than the deadline of the assignment it comes from" in field_error(html, field)
    assert described_by(html, field)
    assert re.search(rf'<details[^>]*id="action-a{lead.pk}-passon" open>', html)  # the form is shown open
    # a term that comes out too late is marked on the term
    resp = client.post(url("assignment_pass_on", case, lead.pk), assign_data(world, term_amount="3", term_unit="months"))
    assert resp.status_code == 400
    assert "cannot be later" in field_error(resp.content.decode(), f"id_a{lead.pk}-passon_term_amount")
    assert not lead.children.exists() and events_of(case) == before


def test_a_wrong_file_is_refused_before_anything_is_stored(client, world, assigned):
    case, a, _citizen = assigned
    login(client, world.a_executor)
    fake = SimpleUploadedFile("javob.pdf", NOT_A_PDF, content_type="application/pdf")
    resp = client.post(url("result_submit", case, a.pk), {"text": "Bajarildi", "attachments": fake})
    assert resp.status_code == 400
    error = field_error(resp.content.decode(), f"id_a{a.pk}-result_attachments")
    assert "javob.pdf" in error and "not an accepted type" in error
    assert not Attachment.objects.exists() and not case.review_rounds.exists()
    assert Assignment.objects.get(pk=a.pk).state == AssignmentState.ASSIGNED


def test_a_post_on_a_closed_case_is_409_with_the_reason(client, world, assigned):
    case, a, _citizen = assigned
    services.case_transition(case=case, action="cancel", actor=world.controller)
    before = events_of(case)
    login(client, world.controller)
    resp = client.post(url("assign", case), assign_data(world, world.district_b))
    assert resp.status_code == 409
    html = resp.content.decode()
    assert "The case is closed; nothing more can be done on it." in html
    assert action_urls(html) == set()
    login(client, world.a_executor)
    resp = client.post(url("assignment_accept", case, a.pk))
    assert resp.status_code == 409 and "The case is closed" in resp.content.decode()
    resp = client.post(url("transition", case, "start"))
    assert resp.status_code == 403  # not theirs to change at all
    login(client, world.controller)
    resp = client.post(url("transition", case, "start"))
    assert resp.status_code == 409 and "not allowed while the case is “Cancelled”" in resp.content.decode()
    assert events_of(case) == before and case.assignments.count() == 1


def test_the_actions_read_in_uzbek_by_default(uz_client, world, assigned):
    case, a, _citizen = assigned
    login(uz_client, world.a_executor)
    html = uz_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<html lang="uz">' in html
    assert "Ijroga qabul qilish" in html and "Muddatni uzaytirishni soʻrash" in html
    resp = uz_client.post(url("assignment_accept", case, a.pk), follow=True)
    assert "Topshiriq ijroga qabul qilindi." in resp.content.decode()
