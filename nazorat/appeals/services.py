"""Every write of the electronic reception. Keyword-only; each service checks its predicate, runs in one
transaction, writes the events with the actor and tells the author through the outbox, in the appeal's
language, where the law says so: at registration, forwarding, return to the author, extension, extra study
of a proposal and the answer.

Law ZRU-445 ("On appeals of individuals and legal entities"), new edition; articles cited per service.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher
from typing import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from nazorat.accounts.phones import normalise_phone
from nazorat.cases import permissions as case_permissions
from nazorat.cases import services as case_services
from nazorat.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Attachment,
    Case,
    ExtensionRequest,
    ReviewRound,
    Verdict,
    WorkItem,
)
from nazorat.cases.services import CaseStateError
from nazorat.core import events
from nazorat.core.files import inspect_upload
from nazorat.core.search import build_search_text
from nazorat.core.text import fold, to_latin
from nazorat.orgs.models import Membership, OrgKind, OrgLevel, Organisation, Position, Role
from nazorat.territories.models import Territory
from nazorat.workcalendar.calendar import OfficeHours, calendar_for
from nazorat.workcalendar.deadlines import DeadlineRule

from . import kinds, permissions
from .models import (
    Appeal,
    AppealForm,
    AppealKind,
    Applicant,
    ApplicantKind,
    Outcome,
    Signatory,
    TerminationGround,
    UnconsideredGround,
    identity_hash,
)
from .selectors import TRACKING_ALPHABET, TRACKING_LENGTH, tracking_hash

# Similarity of folded texts (0..1) above which the same author's appeal to the same body is a duplicate of
# an open one (Art 25) or a repeat of an answered one (Art 3).
DUPLICATE_SIMILARITY = 0.9
REPEAT_SIMILARITY = 0.5
FORWARD_WITHIN_DAYS = 5  # Art 25: forwarded, or returned to the author, within 5 days
RETURN_WITHIN_DAYS = 5
PROPOSAL_NOTICE_DAYS = 10  # Art 28: a proposal's author is told within 10 days that it needs extra study
MAX_ATTACHMENTS = 10
MAX_TEXT = 20000
MIN_REASONS = 10

ANSWER_TYPES = ["application/pdf"]


# --- small helpers ------------------------------------------------------------------------------

def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _str(data: dict, name: str) -> str:
    value = data.get(name)
    return "" if value is None else " ".join(str(value).split()) if name != "text" else str(value).strip()


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _when(day: date | datetime | None) -> str:
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = _local_day(day)
    return date_format(day, "SHORT_DATE_FORMAT")


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=timezone.get_default_timezone())


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


def similarity(a: str, b: str) -> float:
    """How alike two appeal texts are, 0..1: the larger of the word-set overlap and the character sequence
    ratio of their folded forms (so script, case and apostrophes do not matter)."""
    fa, fb = fold(a)[:3000], fold(b)[:3000]
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    wa, wb = set(fa.split()), set(fb.split())
    jaccard = len(wa & wb) / len(wa | wb)
    return max(jaccard, SequenceMatcher(None, fa, fb, autojunk=False).ratio())


# --- dates (Art 23, 28) ---------------------------------------------------------------------------

def registration_date(received_at: datetime, organisation: Organisation | None = None) -> date:
    """Art 23: registered on the day of receipt; received after working hours (``NAZORAT_OFFICE_HOURS`` end,
    an hour earlier on a pre-holiday day, Labour Code Art 187) or on a day off — the next working day of the
    body's calendar."""
    cal = calendar_for(organisation)
    local = timezone.localtime(received_at)
    day = local.date()
    if cal.is_working_day(day):
        office = OfficeHours.from_settings()
        close = datetime.combine(day, office.end)
        if cal.is_pre_holiday(day):
            close -= office.pre_holiday_shortening
        if local.replace(tzinfo=None) < close:
            return day
    return cal.next_working_day(day)


def statutory_due(kind: str, registered_on: date, organisation: Organisation | None = None, *,
                  extra_study: bool = False) -> datetime:
    """Art 28, counted from the registration day: application and complaint 15 days (1 month when extra study
    is needed), proposal 1 month; a last day that is not worked moves to the next working day when
    ``NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY`` (legal-rules §1.6). The end of the due day, Tashkent time."""
    rule = kinds.EXTRA_STUDY_TERM if extra_study else kinds.TERMS[kind]
    start = datetime.combine(registered_on, time(12), tzinfo=timezone.get_default_timezone())
    return DeadlineRule.parse(rule).due(start, calendar_for(organisation))


# --- validation (Art 6) ---------------------------------------------------------------------------

def _organisation(value) -> Organisation | None:
    if isinstance(value, Organisation):
        return value if value.is_active else None
    if value in (None, ""):
        return None
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return Organisation.objects.filter(pk=pk, is_active=True).first()


def _territory(value) -> Territory | None:
    if isinstance(value, Territory):
        return value
    code = str(value or "").strip()
    if not code.isdigit():
        return None
    return Territory.objects.filter(code=code, is_active=True).first()


def _signatories(value) -> list[dict] | None:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, (list, tuple)):
        return None
    out = []
    for item in value:
        if not isinstance(item, dict):
            return None
        out.append({"full_name": " ".join(str(item.get("full_name") or "").split()),
                    "address": " ".join(str(item.get("address") or "").split())})
    return out


def _inspect_all(uploads: Iterable, errors: dict, field: str, allowed_types=None) -> list:
    """Check every file by its content before anything is stored; return (upload, info) pairs."""
    checked, messages = [], []
    for upload in uploads:
        try:
            checked.append((upload, inspect_upload(upload, allowed_types=allowed_types)))
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        errors[field] = messages
    return checked


def clean_appeal_data(data: dict, *, attachments: Iterable = ()) -> dict:
    """Art 6: an individual gives the last and first name (patronymic if any) and the place of residence; a
    legal entity its full name and postal address; both the addressee body and the essence of the appeal; a
    representative attaches the document confirming the authority. E-mail and phone are optional. Raises one
    ``ValidationError`` with a translated message per field; returns the cleaned values."""
    errors: dict[str, list] = {}

    def err(field, message):
        errors.setdefault(field, []).append(message)

    c: dict = {}
    c["applicant_kind"] = _str(data, "applicant_kind") or ApplicantKind.INDIVIDUAL
    if c["applicant_kind"] not in ApplicantKind.values:
        err("applicant_kind", _("Choose individual or legal entity."))
    for name, limit in (("last_name", 150), ("first_name", 150), ("patronymic", 150), ("organisation_name", 300),
                        ("address", 500), ("representative_name", 300)):
        c[name] = _str(data, name)
        if len(c[name]) > limit:
            err(name, _("At most %(limit)s characters.") % {"limit": limit})
    if c["applicant_kind"] == ApplicantKind.LEGAL_ENTITY:
        if not c["organisation_name"]:
            err("organisation_name", _("Give the full name of the legal entity."))
        if not c["address"]:
            err("address", _("Give the legal entity's postal address."))
        c["last_name"] = c["first_name"] = c["patronymic"] = ""
    else:
        if not c["last_name"]:
            err("last_name", _("Give your last name."))
        if not c["first_name"]:
            err("first_name", _("Give your first name."))
        if not c["address"]:
            err("address", _("Give your place of residence."))
        c["organisation_name"] = ""
    c["tin"] = _str(data, "tin").replace(" ", "") if c["applicant_kind"] == ApplicantKind.LEGAL_ENTITY else ""
    if c["tin"] and not re.fullmatch(r"\d{9}", c["tin"]):
        err("tin", _("The taxpayer number (STIR) has 9 digits."))
    c["kind"] = _str(data, "kind")
    if c["kind"] not in AppealKind.values:
        err("kind", _("Choose application, complaint or proposal."))
    c["addressee"] = _organisation(data.get("addressee"))
    if c["addressee"] is None:
        err("addressee", _("Choose the body the appeal is addressed to."))
    c["complained_about"] = None
    if data.get("complained_about") not in (None, ""):
        c["complained_about"] = _organisation(data.get("complained_about"))
        if c["complained_about"] is None:
            err("complained_about", _("Choose an existing body."))
    c["territory"] = _territory(data.get("territory"))
    if c["territory"] is None:
        err("territory", _("Choose the territory (SOATO code) the appeal concerns."))
    c["text"] = _str(data, "text")
    if len(c["text"]) < 10:
        err("text", _("Describe the essence of the appeal (at least 10 characters)."))
    elif len(c["text"]) > MAX_TEXT:
        err("text", _("At most %(limit)s characters.") % {"limit": MAX_TEXT})
    c["email"] = _str(data, "email").lower()
    if c["email"]:
        try:
            validate_email(c["email"])
        except ValidationError:
            err("email", _("Enter a valid e-mail address."))
    raw_phone = _str(data, "phone")
    c["phone"] = ""
    if raw_phone:
        c["phone"] = normalise_phone(raw_phone) or ""
        if not c["phone"]:
            err("phone", _("Enter a phone number like +998 90 123 45 67."))
    languages = {code for code, _name in settings.LANGUAGES}
    c["language"] = _str(data, "language") or (translation.get_language() or settings.LANGUAGE_CODE)
    if c["language"] not in languages:
        c["language"] = c["language"].split("-")[0] if c["language"].split("-")[0] in languages else "uz"
    c["do_not_disclose"] = _bool(data.get("do_not_disclose"))
    c["is_collective"] = _bool(data.get("is_collective"))
    c["signatories"] = _signatories(data.get("signatories"))
    if c["signatories"] is None:
        err("signatories", _("Give the signatories as a list of full names and addresses."))
        c["signatories"] = []
    elif c["is_collective"]:
        if len(c["signatories"]) < 2:
            err("signatories", _("A collective appeal lists at least two signatories."))
        elif any(not s["full_name"] or not s["address"] for s in c["signatories"]):
            err("signatories", _("Give every signatory's full name and address."))
    else:
        c["signatories"] = []
    c["via_representative"] = _bool(data.get("via_representative"))
    c["representative_upload"] = None
    if c["via_representative"]:
        if not c["representative_name"]:
            err("representative_name", _("Give the representative's full name."))
        doc = data.get("representative_document")
        if not doc:
            err("representative_document",
                _("Attach the document confirming the representative's authority (Art 6)."))
        else:
            checked = _inspect_all([doc], errors, "representative_document")
            c["representative_upload"] = checked[0] if checked else None
    else:
        c["representative_name"] = ""
    uploads = [u for u in (attachments or ()) if u]
    if len(uploads) > MAX_ATTACHMENTS:
        err("attachments", _("At most %(limit)s files.") % {"limit": MAX_ATTACHMENTS})
        uploads = []
    c["uploads"] = _inspect_all(uploads, errors, "attachments")
    if errors:
        raise ValidationError(errors)
    return c


# --- the author ------------------------------------------------------------------------------------

def _identity_keys(c: dict) -> tuple[str, str, str]:
    if c["applicant_kind"] == ApplicantKind.LEGAL_ENTITY:
        name = c["organisation_name"]
    else:
        name = f"{c['last_name']} {c['first_name']}"
    name_key = identity_hash(f"{fold(name)}|{fold(c['address'])}")
    return name_key, identity_hash(c["email"].lower()), identity_hash(c["phone"])


def _applicant_for(c: dict) -> Applicant:
    """The author's identity record: the same person by name and address, or by e-mail, or by phone."""
    name_key, email_key, phone_key = _identity_keys(c)
    candidates = [a for a in Applicant.objects.filter(name_key=name_key).order_by("pk")[:1]]
    if not candidates and email_key:
        candidates = list(Applicant.objects.filter(email_key=email_key).order_by("pk")[:1])
    if not candidates and phone_key:
        candidates = list(Applicant.objects.filter(phone_key=phone_key).order_by("pk")[:1])
    if candidates:
        found = candidates[0]
        changed = []
        if email_key and not found.email_key:
            found.email_key = email_key
            changed.append("email_key")
        if phone_key and not found.phone_key:
            found.phone_key = phone_key
            changed.append("phone_key")
        if changed:
            found.save(update_fields=changed)
        return found
    return Applicant.objects.create(name_key=name_key, email_key=email_key, phone_key=phone_key)


def _author_of(appeal: Appeal) -> dict:
    return {f: getattr(appeal, f) for f in (
        "applicant_kind", "last_name", "first_name", "patronymic", "organisation_name", "tin", "address", "email",
        "phone", "language", "do_not_disclose", "is_collective", "via_representative", "representative_name",
        "kind", "complained_about", "territory", "text")}


def tell_author(appeal: Appeal, *, event: str, subject, body) -> int:
    """E-mail and SMS to the addresses the author gave (and the in-system inbox of a signed-in author), written
    in the appeal's language (Art 27: the answer in the language of the appeal where possible). ``subject`` and
    ``body`` are callables run under that language."""
    from nazorat.notifications.models import Channel
    from nazorat.notifications.services import notify

    language = appeal.language or settings.LANGUAGE_CODE
    with translation.override(language):
        s, b = str(subject()), str(body())
    applicant = appeal.case.applicant
    sent = 0
    targets = [(Channel.EMAIL, appeal.email), (Channel.SMS, appeal.phone)]
    if applicant is not None:
        targets.append((Channel.INAPP, ""))
    for channel, address in targets:
        if channel != Channel.INAPP and not address:
            continue
        if notify(key=f"appeal:{appeal.pk}:{event}:{channel}", channel=channel, subject=s, body=b,
                  recipient=applicant, address=address, case=appeal.case, language=language):
            sent += 1
    return sent


# --- files ------------------------------------------------------------------------------------------

def _store(*, upload, info, case: Case, actor, purpose: str, name: str | None = None, hide_name: bool = False
           ) -> Attachment:
    """Keep a checked file (the kernel's ``Attachment``: content type, size, SHA-256, never deleted). The file
    name is left out of the event when it carries the author's name and the author asked to withhold it."""
    att = Attachment(case=case, purpose=purpose, original_name=(name or info.name)[:255],
                     content_type=info.content_type, size=info.size, sha256=info.sha256, uploaded_by=_actor(actor))
    upload.seek(0)
    att.file.save(info.sha256, upload, save=False)
    att.save()
    events.record(action="attachment.added", actor=actor, obj=att, case=case,
                  payload={"name": "" if hide_name else att.original_name, "type": info.content_type,
                           "size": info.size, "sha256": info.sha256, "purpose": purpose})
    return att


def _ascii_word(value: str) -> str:
    latin = unicodedata.normalize("NFKD", to_latin(value or ""))
    return "".join(ch for ch in latin if (ch.isascii() and ch.isalnum()) or ch == "-")


def answer_file_name(appeal: Appeal) -> str:
    """R-B5: the answer is stored under the author's initials and surname ("A.B.Karimov.pdf"); a legal
    entity's answer under its name, slugified."""
    if appeal.applicant_kind == ApplicantKind.LEGAL_ENTITY:
        return f"{slugify(to_latin(appeal.organisation_name)) or 'answer'}.pdf"
    initials = "".join(f"{w[0].upper()}." for w in (_ascii_word(appeal.first_name), _ascii_word(appeal.patronymic)) if w)
    surname = _ascii_word(appeal.last_name)
    surname = surname[:1].upper() + surname[1:]
    return f"{initials}{surname or 'answer'}.pdf"


# --- registration (Art 21-23, 25, 30) -----------------------------------------------------------------

def _detect(*, applicant: Applicant, addressee: Organisation, text: str, now: datetime):
    """Compare with the same author's earlier appeals to the same body (most recent first).

    Returns (duplicate_of, repeat_of, correspondence_closed): a near-identical appeal still open and in time is
    a duplicate, considered together with it (Art 25); a similar one after an answer, or after the term ran
    out unanswered, is a repeat (Art 3); a similar one on a matter whose correspondence was closed is ended
    without notice (Art 30)."""
    duplicate = repeat = None
    closed = False
    earlier = (Appeal.objects.filter(applicant=applicant, addressee=addressee).select_related("case")
               .exclude(case__status=kinds.JOINED).order_by("-received_at")[:50])
    for e in earlier:
        score = similarity(text, e.text)
        if score < REPEAT_SIMILARITY:
            continue
        if e.correspondence_closed:
            closed = True
            repeat = repeat or e
            continue
        is_open = e.case.closed_at is None
        if is_open and not e.case.is_overdue(now):
            if score >= DUPLICATE_SIMILARITY and duplicate is None:
                duplicate = e
        elif is_open or e.case.status == kinds.ANSWERED:
            repeat = repeat or e
    if closed:
        return None, repeat, True
    if duplicate is not None:
        # Considered together with the first appeal of the chain.
        while duplicate.duplicate_of_id:
            duplicate = duplicate.duplicate_of
        return duplicate, None, False
    return None, repeat, False


def _title(c: dict) -> str:
    """The case title staff lists show. An author who withholds their data gets a neutral title, since the
    text itself often names them."""
    with translation.override(c["language"]):
        label = str(AppealKind(c["kind"]).label)
    if c["do_not_disclose"]:
        return label
    excerpt = " ".join(c["text"].split())
    return f"{label}: {excerpt[:150]}{'…' if len(excerpt) > 150 else ''}"


def _open_accept_items(case: Case, registered_on: date) -> None:
    due = case_services.compute_due("1 working_days", datetime.combine(
        registered_on, time(9), tzinfo=timezone.get_default_timezone()), case.register)
    for role in (Role.CONTROL_GROUP, Role.REVIEWER):
        case_services.workitem_open(key=f"appeal:{case.pk}:accept:{role}", case=case, action="accept_appeal",
                                    due_at=due, organisation=case.register, role=role)


@transaction.atomic
def _register(*, c: dict, received_at: datetime, form: str, actor, forwarded_from: Appeal | None = None,
              code_hash: str | None = None, copy_attachments: Iterable[Attachment] = ()) -> Appeal:
    addressee: Organisation = c["addressee"]
    registered_on = registration_date(received_at, addressee)
    applicant = _applicant_for(c)
    duplicate, repeat, closed = _detect(applicant=applicant, addressee=addressee, text=c["text"], now=received_at)
    due_at = None if duplicate is not None else statutory_due(c["kind"], registered_on, addressee)
    if due_at is not None and due_at <= received_at:
        due_at = None  # a paper appeal registered long after the term ran out has no future deadline to set
    citizen = actor if getattr(actor, "is_authenticated", False) and not getattr(actor, "is_staff_member", True) \
        else None
    if forwarded_from is not None:
        citizen = forwarded_from.case.applicant
    if citizen is not None and actor is citizen and c["do_not_disclose"]:
        actor = None  # Art 19: the audit trail staff read names no author who withholds their data
    case = case_services.case_open(
        kind="appeal", actor=actor, owner=addressee, register=addressee, title=_title(c), territory=c["territory"],
        applicant=citizen, opened_at=received_at, due_at=due_at, deadline_rule="", language=c["language"],
        check_permission=False,
    )
    code = None
    if code_hash is None:
        code = new_tracking_code()
        code_hash = tracking_hash(code)
    author = ApplicantKind(c["applicant_kind"])
    names = c["organisation_name"] if author == ApplicantKind.LEGAL_ENTITY else \
        f"{c['last_name']} {c['first_name']} {c['patronymic']}"
    signatory_names = " ".join(s["full_name"] for s in c["signatories"])
    representative_document = None
    if c.get("representative_upload"):
        upload, info = c["representative_upload"]
        representative_document = _store(upload=upload, info=info, case=case, actor=actor, purpose="representative",
                                         hide_name=c["do_not_disclose"])
    elif forwarded_from is not None and forwarded_from.representative_document_id:
        representative_document = _copy_attachment(forwarded_from.representative_document, case)
    appeal = Appeal.objects.create(
        case=case, applicant=applicant, applicant_kind=author, last_name=c["last_name"], first_name=c["first_name"],
        patronymic=c["patronymic"], organisation_name=c["organisation_name"], tin=c["tin"], address=c["address"],
        email=c["email"], phone=c["phone"], via_representative=c["via_representative"],
        representative_name=c["representative_name"], representative_document=representative_document,
        do_not_disclose=c["do_not_disclose"],
        is_collective=c["is_collective"], kind=c["kind"], form=form, received_at=received_at,
        registered_on=registered_on, addressee=addressee, complained_about=c["complained_about"],
        territory=c["territory"], text=c["text"], language=c["language"], tracking_hash=code_hash,
        repeat_of=repeat, duplicate_of=duplicate, forwarded_from=forwarded_from,
        search_text=build_search_text(case.number, c["text"], "" if c["do_not_disclose"] else names,
                                      "" if c["do_not_disclose"] else signatory_names),
        author_search=build_search_text(names, signatory_names, c["organisation_name"]),
    )
    Signatory.objects.bulk_create([Signatory(appeal=appeal, order=i, full_name=s["full_name"], address=s["address"])
                                   for i, s in enumerate(c["signatories"], start=1)])
    for upload, info in c.get("uploads", ()):
        _store(upload=upload, info=info, case=case, actor=actor, purpose="appeal", hide_name=c["do_not_disclose"])
    for att in copy_attachments:
        _copy_attachment(att, case)
    events.record(action="appeal.registered", actor=actor, case=case, organisation=addressee,
                  payload={"form": form, "kind": c["kind"], "received_at": received_at.isoformat(),
                           "registered_on": registered_on.isoformat(),
                           "repeat_of": repeat.case.number if repeat else None,
                           "duplicate_of": duplicate.case.number if duplicate else None,
                           "forwarded_from": forwarded_from.case.number if forwarded_from else None})
    appeal.tracking_code = code  # shown once, to the author; only its hash is stored
    if closed:
        # Art 30: the correspondence on this matter was closed; a further repeat ends without notice.
        appeal.correspondence_closed = True
        appeal.closure_ground = TerminationGround.REPEATED
        appeal.closure_note = _("Repeated appeal on a matter whose correspondence was closed.")
        appeal.save(update_fields=["correspondence_closed", "closure_ground", "closure_note"])
        case_services.case_transition(case=case, action="terminate", actor=None, check_permission=False,
                                      payload={"ground": TerminationGround.REPEATED, "silent": True})
        return appeal
    if repeat is not None:
        for target in (case, repeat.case):
            events.record(action="appeal.repeat_detected", actor=None, case=target, is_public=target is case,
                          payload={"repeat": case.number, "earlier": repeat.case.number})
    if duplicate is not None:
        case_services.case_transition(case=case, action="join", actor=None, check_permission=False,
                                      payload={"joined_to": duplicate.case.number})
        events.record(action="appeal.duplicate_joined", actor=None, case=duplicate.case,
                      payload={"duplicate": case.number})
    else:
        _open_accept_items(case, registered_on)
    if forwarded_from is None:
        number, due, joined = case.number, case.due_at, duplicate.case.number if duplicate else None
        body_code = code

        def body():
            lines = [_("Your appeal is registered under number %(number)s.") % {"number": number}]
            if joined:
                lines.append(_("It repeats your appeal %(earlier)s, which is still being considered; both will be "
                               "considered together.") % {"earlier": joined})
            else:
                lines.append(_("It will be considered by %(date)s.") % {"date": _when(due)})
            if body_code:
                lines.append(_("To follow it, use the number and the code %(code)s.") % {"code": body_code})
            return "\n".join(lines)

        tell_author(appeal, event="registered", body=body,
                    subject=lambda: _("Appeal %(number)s registered") % {"number": number})
    return appeal


def _copy_attachment(att: Attachment, case: Case) -> Attachment:
    """Art 21: attachments travel with a forwarded appeal; the stored file is shared, not copied."""
    copy = Attachment(case=case, purpose=att.purpose, original_name=att.original_name, content_type=att.content_type,
                      size=att.size, sha256=att.sha256, uploaded_by=att.uploaded_by)
    copy.file.name = att.file.name
    copy.save()
    return copy


def appeal_submit(*, data: dict, attachments: Iterable = (), actor=None) -> Appeal:
    """An electronic appeal from the portal; no login needed (R-B1). Validated per Art 6 — a bad field raises a
    ``ValidationError`` naming it and nothing is stored. Registered in the addressee's register (numbers
    gap-free per body, series and year) on the day of receipt, or the next working day when received after
    hours or on a day off (Art 23); registration is never refused. The term runs from the registration day
    (Art 28). Duplicates join the open first appeal, repeats are linked, repeats on a closed correspondence
    end without notice (Art 25, 30). Returns the appeal with its ``tracking_code`` (shown once)."""
    c = clean_appeal_data(data, attachments=attachments)
    return _register(c=c, received_at=timezone.now(), form=AppealForm.ELECTRONIC, actor=actor)


def appeal_register_paper(*, actor, data: dict, received_at: datetime, form: str, attachments: Iterable = ()
                          ) -> Appeal:
    """Staff of the addressee's working group register a written or oral appeal with the moment it was actually
    received (Art 23): the registration day and the term follow from that moment, not from the typing."""
    addressee = _organisation(data.get("addressee"))
    if addressee is not None and not permissions.can_register_paper(actor, addressee):
        raise PermissionDenied(_("Only the working group of %(body)s registers appeals addressed to it.")
                               % {"body": addressee.name})
    errors = {}
    if form not in (AppealForm.WRITTEN, AppealForm.ORAL):
        errors["form"] = [_("Staff register written or oral appeals; electronic ones come through the portal.")]
    if not isinstance(received_at, datetime) or timezone.is_naive(received_at):
        errors["received_at"] = [_("Give the date and time the appeal was received.")]
    elif received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = [_("The time of receipt cannot be in the future.")]
    try:
        c = clean_appeal_data(data, attachments=attachments)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        raise ValidationError(errors) from None
    if errors:
        raise ValidationError(errors)
    return _register(c=c, received_at=received_at, form=form, actor=actor)


# --- the registering body's steps ---------------------------------------------------------------------

def _require(predicate, actor, appeal, message) -> None:
    if not predicate(actor, appeal):
        raise PermissionDenied(message)


def _fresh(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_related("case", "case__register", "case__applicant", "addressee").get(pk=appeal.pk)


def _lock(case: Case) -> Case:
    """Lock the case row for the rest of the transaction and refuse work on a closed case."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.closed_at is not None:
        raise CaseStateError(_("The case is closed; nothing more can be done on it."))
    return locked


def _close_accept_items(case: Case, actor) -> None:
    for role in (Role.CONTROL_GROUP, Role.REVIEWER):
        case_services.workitem_close(key=f"appeal:{case.pk}:accept:{role}", actor=actor)


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor) -> Appeal:
    """The control group or working group of the registering body accepts the appeal for execution with the
    comment "Ijro uchun qabul qilindi" (seed 003). Registration itself cannot be refused (Art 23): there is no
    transition that rejects an appeal."""
    appeal = _fresh(appeal)
    _require(permissions.can_accept, actor, appeal,
             _("Only the working group of %(body)s accepts its appeals.") % {"body": appeal.case.register.name})
    case_services.case_transition(case=appeal.case, action="accept", actor=actor, check_permission=False,
                                  payload={"comment": kinds.ACCEPT_COMMENT})
    _close_accept_items(appeal.case, actor)
    return _fresh(appeal)


@transaction.atomic
def appeal_assign(*, appeal: Appeal, actor, organisation: Organisation, role: str = AssignmentRole.LEAD,
                  due_at: datetime | None = None, instructions: str = "") -> Assignment:
    """R-B4: the working group sends the appeal to an executing body — the lead or a co-executor (Art 24: the
    first listed leads) — with the deadline the centre sets. It is binding and never later than the statutory
    one (the kernel refuses a deadline after the case's)."""
    appeal = _fresh(appeal)
    _require(permissions.can_route, actor, appeal,
             _("Only the working group of %(body)s sends its appeals to executors.") % {"body": appeal.case.register.name})
    status = appeal.case.status
    if status == kinds.REGISTERED:
        raise CaseStateError(_("Accept the appeal for execution first."))
    if status not in (kinds.ACCEPTED, kinds.ASSIGNED, kinds.RETURNED, kinds.UNDER_REVIEW):
        raise CaseStateError(_("This action is not allowed while the case is “%(status)s”.") % {
            "status": appeal.case.get_status_display()})
    assignment = case_services.assignment_create(
        case=appeal.case, actor=actor, organisation=organisation, role=role, due_at=due_at,
        instructions=instructions, check_permission=False)
    if status == kinds.ACCEPTED:
        case_services.case_transition(case=appeal.case, action="assign", actor=actor, check_permission=False,
                                      payload={"organisation": organisation.code})
    return assignment


def _within_days(appeal: Appeal, days: int) -> bool:
    return timezone.localdate() <= appeal.registered_on + timedelta(days=days)


@transaction.atomic
def appeal_forward(*, appeal: Appeal, actor, to: Organisation, reason: str) -> Appeal:
    """Art 25: an appeal outside the body's competence is forwarded to the competent body within 5 days of
    registration, and the author is told. Never to the body (or a unit of the body) whose decision or action
    the complaint is about. The case closes here as "forwarded"; a new appeal opens in the competent body's
    register with its own statutory term counted from its receipt there (Art 28), linked both ways; the
    attachments travel with it (Art 21) and the author's tracking code works for both numbers."""
    appeal = _fresh(appeal)
    _require(permissions.can_route, actor, appeal,
             _("Only the working group of %(body)s forwards its appeals.") % {"body": appeal.case.register.name})
    reason = (reason or "").strip()
    errors = {}
    if not isinstance(to, Organisation) or not to.is_active:
        errors["to"] = [_("Choose the competent body.")]
    elif to.pk == appeal.case.register_id:
        errors["to"] = [_("The appeal is already in this body's register.")]
    elif appeal.complained_about_id and to.is_within(appeal.complained_about):
        errors["to"] = [_("An appeal may not be sent to the body whose decision or action it complains about "
                          "(Art 25).")]
    if len(reason) < MIN_REASONS:
        errors["reason"] = [_("Explain why the appeal is outside this body's competence (at least 10 characters).")]
    if errors:
        raise ValidationError(errors)
    if appeal.case.closed_at is None and not _within_days(appeal, FORWARD_WITHIN_DAYS):
        raise CaseStateError(_("The 5 days for forwarding (Art 25) have passed; the appeal must be considered here."))
    if appeal.case.status not in kinds.BEFORE_WORK:
        raise CaseStateError(_("This action is not allowed while the case is “%(status)s”.") % {
            "status": appeal.case.get_status_display()})
    c = _author_of(appeal)
    c.update(addressee=to, signatories=[{"full_name": s.full_name, "address": s.address}
                                        for s in appeal.signatories.all()], uploads=(), representative_upload=None)
    new = _register(c=c, received_at=timezone.now(), form=appeal.form, actor=actor, forwarded_from=appeal,
                    code_hash=appeal.tracking_hash,
                    copy_attachments=appeal.case.attachments.filter(purpose="appeal"))
    case_services.case_transition(case=appeal.case, action="forward", actor=actor, check_permission=False,
                                  payload={"to": to.code, "to_name": to.name, "new_number": new.case.number,
                                           "reason": reason})
    appeal.closure_note = reason
    appeal.save(update_fields=["closure_note"])
    old_number, new_number, body_name, due = appeal.case.number, new.case.number, to.pk, new.case.due_at

    def body():
        name = Organisation.objects.get(pk=body_name).name
        return _("Your appeal %(old)s is outside the competence of the body you addressed and has been forwarded "
                 "to %(body)s, where it is registered under number %(new)s and will be considered by %(date)s. "
                 "Your tracking code works for the new number too.") % {
            "old": old_number, "body": name, "new": new_number, "date": _when(due)}

    tell_author(appeal, event="forwarded", body=body,
                subject=lambda: _("Appeal %(number)s forwarded") % {"number": old_number})
    return _fresh(new)


@transaction.atomic
def appeal_return_to_author(*, appeal: Appeal, actor, reasons: str) -> Appeal:
    """Art 25: an appeal without enough data to consider or forward it is returned to the author within 5 days
    with a reasoned explanation; the author is told the reasons."""
    appeal = _fresh(appeal)
    _require(permissions.can_route, actor, appeal,
             _("Only the working group of %(body)s returns its appeals.") % {"body": appeal.case.register.name})
    reasons = (reasons or "").strip()
    if len(reasons) < MIN_REASONS:
        raise ValidationError({"reasons": _("Explain what is missing (at least 10 characters).")})
    if appeal.case.closed_at is None and not _within_days(appeal, RETURN_WITHIN_DAYS):
        raise CaseStateError(_("The 5 days for returning the appeal (Art 25) have passed."))
    case_services.case_transition(case=appeal.case, action="return_to_author", actor=actor, check_permission=False,
                                  payload={"reasons": reasons})
    appeal.closure_note = reasons
    appeal.save(update_fields=["closure_note"])
    number = appeal.case.number
    tell_author(appeal, event="returned", subject=lambda: _("Appeal %(number)s returned") % {"number": number},
                body=lambda: _("Your appeal %(number)s is returned to you without consideration: %(reasons)s\n"
                               "You may send it again with the missing information.") % {
                    "number": number, "reasons": reasons})
    return _fresh(appeal)


def _move_case_deadline(case: Case, new_due: datetime, actor) -> None:
    """Move the case's deadline (the first one stays in ``original_due_at``); executors whose deadline was the
    case's follow it, with their open work."""
    old = case.due_at
    case.due_at = new_due
    case.save(update_fields=["due_at"])
    if old is None:
        return
    moved = Assignment.objects.open().filter(case=case, parent__isnull=True, due_at=old)
    ids = list(moved.values_list("pk", flat=True))
    moved.update(due_at=new_due)
    WorkItem.objects.open().filter(assignment_id__in=ids, action__in=["execute", "rework"]).update(
        due_at=new_due, reminded_at=None, escalated_at=None)


def _as_due(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return _end_of_day(value)
    if isinstance(value, str):
        try:
            return _end_of_day(date.fromisoformat(value.strip()))
        except ValueError:
            return None
    return None


@transaction.atomic
def appeal_extend(*, appeal: Appeal, actor, new_due, reasons: str) -> Appeal:
    """Art 28: where an inspection, extra materials or other measures are needed, the head (rahbar) of the body
    may exceptionally extend the term, once, by at most one month, and the author is told. Both dates are kept:
    the case's ``original_due_at`` and an extension record with the old and granted deadline."""
    appeal = _fresh(appeal)
    register = appeal.case.register
    _require(permissions.can_extend, actor, appeal,
             _("Only the head of %(body)s may extend the term of an appeal (Art 28).") % {"body": register.name})
    case = _lock(appeal.case)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.extension_used:
        raise CaseStateError(_("The term of this appeal has already been extended once (Art 28)."))
    reasons = (reasons or "").strip()
    errors = {}
    if len(reasons) < MIN_REASONS:
        errors["reasons"] = [_("Explain why more time is needed (at least 10 characters).")]
    target = _as_due(new_due)
    if case.due_at is None:
        raise CaseStateError(_("This appeal has no term to extend."))
    cal = calendar_for(register)
    limit_day = cal.add_months(_local_day(case.due_at), 1)
    if target is None:
        errors["new_due"] = [_("Give the new deadline as a date.")]
    else:
        day = cal.add_calendar_days(_local_day(target), 0)  # a day off moves per the setting
        target = _end_of_day(day)
        if target <= case.due_at:
            errors["new_due"] = [_("The new deadline must be later than the current one (%(date)s).") % {
                "date": _when(case.due_at)}]
        elif day > limit_day:
            errors["new_due"] = [_("The term may be extended by at most one month, to %(date)s (Art 28).") % {
                "date": _when(limit_day)}]
    if errors:
        raise ValidationError(errors)
    old = case.due_at
    request = ExtensionRequest.objects.create(case=case, assignment=None, requested_by=actor, old_due_at=old,
                                              requested_due_at=target, reasons=reasons)
    request.grant()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.granted_due_at = target
    request.save(update_fields=["state", "decided_by", "decided_at", "granted_due_at"])
    _move_case_deadline(case, target, actor)
    appeal.extension_used = True
    appeal.save(update_fields=["extension_used"])
    events.record(action="appeal.extended", actor=actor, obj=request, case=case, organisation=register,
                  is_public=True, payload={"old_due_date": _local_day(old).isoformat(),
                                           "new_due_date": _local_day(target).isoformat(), "reasons": reasons})
    number = case.number
    tell_author(appeal, event="extended", subject=lambda: _("Appeal %(number)s: the term is extended") % {
        "number": number},
        body=lambda: _("The head of %(body)s has extended the term of your appeal %(number)s from %(old)s to "
                       "%(new)s: %(reasons)s") % {"body": register.name, "number": number, "old": _when(old),
                                                  "new": _when(target), "reasons": reasons})
    return _fresh(appeal)


@transaction.atomic
def appeal_mark_extra_study(*, appeal: Appeal, actor) -> Appeal:
    """Art 28: an application or complaint that needs additional study, checking or documents is considered
    within one month of registration (the term moves, the first one is kept); a proposal that needs it is an
    exception to the one-month term, and its author is told in writing within 10 days."""
    appeal = _fresh(appeal)
    _require(permissions.can_route, actor, appeal,
             _("Only the working group of %(body)s decides how its appeals are studied.") % {
                 "body": appeal.case.register.name})
    case = _lock(appeal.case)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.needs_extra_study:
        raise CaseStateError(_("This appeal is already marked as needing extra study."))
    number = case.number
    payload = {}
    if appeal.kind == AppealKind.PROPOSAL:
        if not _within_days(appeal, PROPOSAL_NOTICE_DAYS):
            raise CaseStateError(_("The author of a proposal must be told within 10 days of registration that it "
                                   "needs extra study (Art 28); that time has passed."))
        tell_author(appeal, event="extra_study", subject=lambda: _("Appeal %(number)s needs extra study") % {
            "number": number},
            body=lambda: _("Your proposal %(number)s needs additional study; you will be told the result.") % {
                "number": number})
    else:
        new_due = statutory_due(appeal.kind, appeal.registered_on, case.register, extra_study=True)
        if case.due_at is None or new_due > case.due_at:
            payload["new_due_date"] = _local_day(new_due).isoformat()
            _move_case_deadline(case, new_due, actor)
    appeal.needs_extra_study = True
    appeal.save(update_fields=["needs_extra_study"])
    events.record(action="appeal.extra_study", actor=actor, case=case, organisation=case.register, is_public=True,
                  payload=payload)
    return _fresh(appeal)


# --- the answer (R-B5, R-B6) and its review (R-B7) --------------------------------------------------------

def lead_assignment(case: Case) -> Assignment | None:
    return (Assignment.objects.select_related("organisation").filter(
        case=case, parent__isnull=True, role=AssignmentRole.LEAD)
        .exclude(state=AssignmentState.CANCELLED).order_by("-assigned_at").first())


def allowed_signer_positions(organisation: Organisation) -> set[str]:
    """R-B5 (seed 003): at a regional governor's office the governor or his deputies sign; at a district or
    city governor's office only the governor; in any other body (a department, a ministry's unit, a utility)
    only its first head."""
    if organisation.kind == OrgKind.HOKIMLIK and organisation.level == OrgLevel.REGION:
        return {Position.HEAD, Position.FIRST_DEPUTY, Position.DEPUTY}
    return {Position.HEAD}


def signer_refusal(signer, organisation: Organisation) -> str | None:
    """Why ``signer`` may not sign the answer for ``organisation`` (None when they may)."""
    if signer is None:
        return _("Choose who signed the answer.")
    memberships = list(Membership.objects.active().filter(user=signer, organisation=organisation)
                       .prefetch_related("roles"))
    if not memberships:
        return _("%(name)s does not work in %(body)s, which executes the appeal.") % {
            "name": signer.get_full_name(), "body": organisation.name}
    allowed = allowed_signer_positions(organisation)
    entitled = [m for m in memberships if m.position in allowed]
    if not entitled:
        if organisation.kind == OrgKind.HOKIMLIK and organisation.level == OrgLevel.REGION:
            return _("At a regional governor's office the answer is signed only by the governor or his deputies.")
        if organisation.kind == OrgKind.HOKIMLIK and organisation.level == OrgLevel.DISTRICT:
            return _("At a district or city governor's office the answer is signed only by the governor.")
        return _("In %(body)s the answer is signed only by its first head; a deputy or the executor may not "
                 "sign.") % {"body": organisation.name}
    if not any(Role.SIGNATORY in m.role_codes for m in entitled):
        return _("%(name)s does not hold the signatory role in %(body)s.") % {
            "name": signer.get_full_name(), "body": organisation.name}
    return None


def _membership_title(user, organisation: Organisation, language: str) -> str:
    m = (Membership.objects.active().filter(user=user, organisation=organisation)
         .order_by("-is_primary", "id").first())
    if m is None:
        return ""
    with translation.override(language):
        return str(m.title_display)


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return _local_day(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


@transaction.atomic
def appeal_answer(*, appeal: Appeal, actor, upload, answer_number: str, sent_on, signer, executor,
                  outcome: str = "") -> ReviewRound:
    """R-B5, R-B6: the executing body uploads the answer — ONE PDF (answer, letters of thanks and the act
    together), checked by its content, never by its name (JPG, Word and the rest are refused) — stored under the
    author's initials and surname. It is signed only by an entitled head (``allowed_signer_positions``) holding
    the signatory role in the executing body. The result record keeps the answer's number and the date it was
    sent, the signer's and the executor's position and full name (snapshots). The answer then goes to the
    working group's review through the kernel (``result_submit``); nothing is stored when anything is refused."""
    appeal = _fresh(appeal)
    case = appeal.case
    lead = lead_assignment(case)
    if lead is None:
        raise CaseStateError(_("The appeal has no lead executor yet."))
    if not case_permissions.can_execute(actor, lead):
        raise PermissionDenied(_("Only the executing body %(body)s uploads the answer.") % {
            "body": lead.organisation.name})
    if case.closed_at is not None or case.status not in (kinds.ASSIGNED, kinds.RETURNED):
        raise CaseStateError(_("An answer can be uploaded only while the appeal is with the executors (now: "
                               "“%(status)s”).") % {"status": case.get_status_display()})
    errors: dict[str, list] = {}
    answer_number = " ".join(str(answer_number or "").split())
    if not answer_number:
        errors["answer_number"] = [_("Give the outgoing number of the answer letter.")]
    sent = _as_date(sent_on)
    if sent is None:
        errors["sent_on"] = [_("Give the date the answer was sent.")]
    elif sent > timezone.localdate():
        errors["sent_on"] = [_("The answer cannot have been sent in the future.")]
    elif sent < appeal.registered_on:
        errors["sent_on"] = [_("The answer cannot have been sent before the appeal was registered.")]
    if outcome and outcome not in Outcome.values:
        errors["outcome"] = [_("Choose satisfied, partly satisfied, explained or refused.")]
    organisation = lead.organisation
    if executor is None or not Membership.objects.active().filter(user=executor, organisation=organisation).exists():
        errors["executor"] = [_("The responsible executor must work in %(body)s.") % {"body": organisation.name}]
    info = None
    if not upload:
        errors["upload"] = [_("Attach the answer as one PDF file.")]
    else:
        try:
            info = inspect_upload(upload, allowed_types=ANSWER_TYPES)
        except ValidationError as exc:
            errors["upload"] = [*exc.messages, _("The answer, any letter of thanks and the act go in as one PDF "
                                                 "file; JPG, Word and other formats are not accepted.")]
    if errors:
        raise ValidationError(errors)
    refusal = signer_refusal(signer, organisation)
    if refusal:
        raise PermissionDenied(refusal)
    language = appeal.language or settings.LANGUAGE_CODE
    name = answer_file_name(appeal)
    att = _store(upload=upload, info=info, case=case, actor=actor, purpose="answer", name=name,
                 hide_name=appeal.do_not_disclose)
    appeal.answer = att
    appeal.answer_number = answer_number
    appeal.answer_sent_on = sent
    appeal.outcome = outcome
    appeal.signer = signer
    appeal.signer_name = signer.get_full_name()
    appeal.signer_position = _membership_title(signer, organisation, language)
    appeal.executor_name = executor.get_full_name()
    appeal.executor_position = _membership_title(executor, organisation, language)
    appeal.answered_at = timezone.now()
    appeal.save(update_fields=["answer", "answer_number", "answer_sent_on", "outcome", "signer", "signer_name",
                               "signer_position", "executor_name", "executor_position", "answered_at"])
    with translation.override(language):
        text = _("Answer letter No. %(number)s of %(date)s, signed by %(signer_position)s %(signer)s; executor "
                 "%(executor_position)s %(executor)s.") % {
            "number": answer_number, "date": _when(sent), "signer_position": appeal.signer_position,
            "signer": appeal.signer_name, "executor_position": appeal.executor_position,
            "executor": appeal.executor_name}
    rnd = case_services.result_submit(case=case, actor=actor, text=text, assignment=lead, attachments=[att])
    events.record(action="appeal.answer_uploaded", actor=actor, case=case, organisation=organisation,
                  payload={"answer_number": answer_number, "sent_on": sent.isoformat(), "round": rnd.number,
                           "signer": appeal.signer_name, "signer_position": appeal.signer_position,
                           "executor": appeal.executor_name, "executor_position": appeal.executor_position,
                           "outcome": outcome})
    return rnd


@transaction.atomic
def appeal_review(*, appeal: Appeal, actor, accept: bool, reasons: str = "",
                  review_round: ReviewRound | None = None) -> ReviewRound:
    """R-B7: the working group reads the answer — accepted, the appeal is answered (resolved) and the author is
    told; returned, the reasons are written down and the appeal is studied again (rounds counted by the kernel).
    Only acceptance at the last step closes the case, so an appeal with only an interim answer never leaves
    control (Art 34)."""
    appeal = _fresh(appeal)
    if review_round is None:
        pending = ReviewRound.objects.filter(case=appeal.case, verdict=Verdict.PENDING)
        lead = lead_assignment(appeal.case)
        review_round = (pending.filter(assignment=lead).first() if lead else None) or pending.first()
    if review_round is None or review_round.case_id != appeal.pk:
        raise CaseStateError(_("No answer is waiting for review."))
    rnd = case_services.review_decide(review_round=review_round, actor=actor, accept=accept, reasons=reasons)
    appeal = _fresh(appeal)
    if accept and appeal.case.status == kinds.ANSWERED:
        _tell_answer(appeal)
    return rnd


def _tell_answer(appeal: Appeal) -> None:
    number, answer_number, sent, signer = (appeal.case.number, appeal.answer_number, appeal.answer_sent_on,
                                           f"{appeal.signer_position} {appeal.signer_name}".strip())
    recipient = appeal.answer_recipient

    def body():
        return _("%(recipient)s, your appeal %(number)s has been considered. The answer letter No. %(answer)s of "
                 "%(date)s, signed by %(signer)s, has been sent to you. You may rate the answer with your number "
                 "and code. If you disagree with the decision, you may complain to the higher body or to the "
                 "court (Art 33).") % {"recipient": recipient, "number": number, "answer": answer_number,
                                       "date": _when(sent), "signer": signer}

    tell_author(appeal, event="answered", body=body,
                subject=lambda: _("Appeal %(number)s answered") % {"number": number})


# --- ending without an answer (Art 29, 30, 32) --------------------------------------------------------

@transaction.atomic
def appeal_leave_unconsidered(*, appeal: Appeal, actor, conclusion: str,
                              ground: str = UnconsideredGround.ANONYMOUS) -> Appeal:
    """Art 29: an anonymous appeal (identity or address missing or false), one sent by a representative without
    proof of authority, or one not meeting other requirements is left without consideration, with a conclusion
    (xulosa) approved by the head or an authorised official. The author is told only when the representative's
    authority was missing."""
    appeal = _fresh(appeal)
    _require(permissions.can_decide_closure, actor, appeal,
             _("The conclusion is approved by the head of %(body)s or an authorised official (Art 29).") % {
                 "body": appeal.case.register.name})
    conclusion = (conclusion or "").strip()
    errors = {}
    if ground not in UnconsideredGround.values:
        errors["ground"] = [_("Choose the ground for leaving the appeal without consideration.")]
    if len(conclusion) < MIN_REASONS:
        errors["conclusion"] = [_("Write the conclusion (at least 10 characters).")]
    if errors:
        raise ValidationError(errors)
    case_services.case_transition(case=appeal.case, action="leave_unconsidered", actor=actor, check_permission=False,
                                  payload={"ground": ground})
    appeal.closure_ground = ground
    appeal.closure_note = conclusion
    appeal.save(update_fields=["closure_ground", "closure_note"])
    if ground == UnconsideredGround.NO_AUTHORITY:
        number = appeal.case.number
        tell_author(appeal, event="unconsidered",
                    subject=lambda: _("Appeal %(number)s left without consideration") % {"number": number},
                    body=lambda: _("Your appeal %(number)s is left without consideration because the document "
                                   "confirming the representative's authority is missing (Art 29).") % {
                        "number": number})
    return _fresh(appeal)


@transaction.atomic
def appeal_terminate(*, appeal: Appeal, actor, ground: str, note: str) -> Appeal:
    """Art 30: consideration is terminated by the head or an authorised official when a repeated appeal brings
    no new arguments (the author is told the correspondence is closed, and later repeats on the matter are
    terminated without notice), when the author cannot be reached, did not come when summoned (the author is
    told), or died and the matter allows no succession. Withdrawal has its own service."""
    appeal = _fresh(appeal)
    _require(permissions.can_decide_closure, actor, appeal,
             _("Termination is decided by the head of %(body)s or an authorised official (Art 30).") % {
                 "body": appeal.case.register.name})
    note = (note or "").strip()
    errors = {}
    if ground not in TerminationGround.values:
        errors["ground"] = [_("Choose the ground for termination.")]
    elif ground == TerminationGround.REPEATED and appeal.repeat_of_id is None:
        errors["ground"] = [_("Only a repeated appeal can be terminated for bringing no new arguments.")]
    if len(note) < MIN_REASONS:
        errors["note"] = [_("Write the grounds of the decision (at least 10 characters).")]
    if errors:
        raise ValidationError(errors)
    case_services.case_transition(case=appeal.case, action="terminate", actor=actor, check_permission=False,
                                  payload={"ground": ground})
    appeal.closure_ground = ground
    appeal.closure_note = note
    fields = ["closure_ground", "closure_note"]
    number = appeal.case.number
    if ground == TerminationGround.REPEATED:
        appeal.correspondence_closed = True
        fields.append("correspondence_closed")
        Appeal.objects.filter(pk=appeal.repeat_of_id).update(correspondence_closed=True)
        events.record(action="appeal.correspondence_closed", actor=actor, case=appeal.case,
                      organisation=appeal.case.register, payload={"earlier": appeal.repeat_of.case.number})
        tell_author(appeal, event="terminated",
                    subject=lambda: _("Appeal %(number)s: correspondence closed") % {"number": number},
                    body=lambda: _("Your repeated appeal %(number)s brings no new arguments; the earlier appeal was "
                                   "fully considered and answered. It is found unfounded and the correspondence on "
                                   "this matter is closed (Art 30).") % {"number": number})
    elif ground == TerminationGround.NO_SHOW:
        tell_author(appeal, event="terminated",
                    subject=lambda: _("Appeal %(number)s: consideration terminated") % {"number": number},
                    body=lambda: _("The consideration of your appeal %(number)s is terminated because you did not "
                                   "come when summoned and it cannot be considered without you (Art 30).") % {
                        "number": number})
    appeal.save(update_fields=fields)
    return _fresh(appeal)


def _author_audit(appeal: Appeal, actor):
    """The author as the events' actor — unless they asked not to disclose their data (Art 19)."""
    return None if appeal.do_not_disclose else actor


def author_may_act(appeal: Appeal, *, tracking_code: str | None = None, actor=None) -> bool:
    """The author acts with the number and tracking code, or signed in as the appeal's applicant."""
    import hmac

    if tracking_code and hmac.compare_digest(tracking_hash(tracking_code), appeal.tracking_hash):
        return True
    return bool(getattr(actor, "is_authenticated", False) and appeal.case.applicant_id == actor.pk)


@transaction.atomic
def appeal_withdraw(*, appeal: Appeal, tracking_code: str | None = None, actor=None) -> Appeal:
    """Art 30, 32: the author may withdraw the appeal in writing or electronically before a decision is taken;
    after the answer it can no longer be withdrawn. Measures on violations already found may continue."""
    appeal = _fresh(appeal)
    if not author_may_act(appeal, tracking_code=tracking_code, actor=actor):
        raise PermissionDenied(_("Only the author may withdraw the appeal (give its number and code)."))
    if appeal.case.status == kinds.ANSWERED:
        raise CaseStateError(_("The appeal has been answered; it can no longer be withdrawn."))
    if appeal.case.closed_at is not None:
        raise CaseStateError(_("The appeal is closed (“%(status)s”); it can no longer be withdrawn.") % {
            "status": appeal.case.get_status_display()})
    case_services.case_transition(case=appeal.case, action="withdraw", actor=_author_audit(appeal, actor),
                                  check_permission=False)
    appeal.closure_ground = "withdrawn"
    appeal.save(update_fields=["closure_ground"])
    return _fresh(appeal)


@transaction.atomic
def appeal_rate(*, appeal: Appeal, rating, comment: str = "", tracking_code: str | None = None, actor=None
                ) -> Appeal:
    """R-B11, R-B13: after the answer the author rates it once, 1 to 5, with an optional comment (read by the
    monthly ranking of executors)."""
    appeal = _fresh(appeal)
    if not author_may_act(appeal, tracking_code=tracking_code, actor=actor):
        raise PermissionDenied(_("Only the author may rate the answer (give the appeal's number and code)."))
    appeal = Appeal.objects.select_for_update().select_related("case").get(pk=appeal.pk)
    if appeal.case.status != kinds.ANSWERED:
        raise CaseStateError(_("The answer can be rated once the appeal has been answered."))
    if appeal.rating is not None:
        raise CaseStateError(_("The answer has already been rated."))
    if isinstance(rating, bool):
        value = 0
    elif isinstance(rating, int):
        value = rating
    elif isinstance(rating, str) and rating.strip().isdigit():
        value = int(rating.strip())
    else:
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    comment = (comment or "").strip()[:2000]
    appeal.rating = value
    appeal.rating_comment = comment
    appeal.rated_at = timezone.now()
    appeal.save(update_fields=["rating", "rating_comment", "rated_at"])
    events.record(action="appeal.rated", actor=_author_audit(appeal, actor), case=appeal.case, is_public=True, payload={"rating": value})
    return _fresh(appeal)
