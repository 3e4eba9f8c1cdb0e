"""Every read of appeals starts from what the acting user may see (``cases_visible_to``), and every output
that leaves the handling bodies goes through the privacy rule of Art 19 (``do_not_disclose``)."""

from __future__ import annotations

import hashlib
import hmac

from django.db.models import BooleanField, Case as When_, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from nazorat.cases.models import Assignment, ReviewRound
from nazorat.cases.selectors import cases_visible_to, public_timeline
from nazorat.core.search import search
from nazorat.orgs.selectors import StaffScope

from . import kinds
from .models import Appeal

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper
TRACKING_LENGTH = 10  # 32^10 ≈ 10^15 codes


def tracking_hash(code: str) -> str:
    normalised = "".join((code or "").split()).upper()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _handled_condition(user) -> Q:
    """Appeals the user's own bodies handle (register, owner, executor, reviewer), or their own."""
    scope = StaffScope.for_user(user)
    org_ids = sorted({m.organisation_id for m in scope.memberships})
    q = Q(case__applicant=user)
    if org_ids:
        q |= Q(case__register_id__in=org_ids) | Q(case__owner_id__in=org_ids)
        q |= Q(Exists(Assignment.objects.filter(case=OuterRef("case"), organisation_id__in=org_ids)))
        q |= Q(Exists(ReviewRound.objects.filter(case=OuterRef("case"), reviewer_org_id__in=org_ids)))
    return q


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """Appeals whose case the user may see, each annotated with ``author_visible``: False when the author
    asked not to disclose their data (Art 19) and the user's bodies do not handle the appeal."""
    base = Appeal.objects.select_related("case", "case__owner", "case__register", "addressee", "territory",
                                         "repeat_of__case", "duplicate_of__case", "forwarded_from__case")
    if not getattr(user, "is_authenticated", False):
        return base.none().annotate(author_visible=Value(False, output_field=BooleanField()))
    qs = base.filter(case__in=cases_visible_to(user).values("pk"))
    if user.is_superuser:
        return qs.annotate(author_visible=Value(True, output_field=BooleanField()))
    return qs.annotate(author_visible=When_(
        When(do_not_disclose=False, then=Value(True)),
        When(_handled_condition(user), then=Value(True)),
        default=Value(False), output_field=BooleanField()))


def appeal_for(user, number: str) -> Appeal | None:
    return appeals_visible_to(user).filter(case__number=number).first()


def search_appeals(queryset: QuerySet[Appeal], query: str | None) -> QuerySet[Appeal]:
    """Number and text for everybody; the author's name only where the user may see the author."""
    if not (query or "").strip():
        return queryset
    by_text = search(queryset, query)
    by_author = search(queryset.filter(author_visible=True), query, field="author_search")
    return queryset.filter(Q(pk__in=by_text.values("pk")) | Q(pk__in=by_author.values("pk")))


def appeal_by_tracking(number: str, code: str) -> Appeal | None:
    """The appeal with this number whose tracking code is ``code``; None for a wrong number or code. The
    hashes are compared in constant time, and a hash is compared even when the number does not exist."""
    number = (number or "").strip()
    appeal = (Appeal.objects.select_related("case", "addressee", "duplicate_of__case", "forwarded_from__case")
              .filter(case__number=number, case__kind="appeal").first()) if number else None
    expected = appeal.tracking_hash if appeal is not None else "0" * 64
    matches = hmac.compare_digest(tracking_hash(code), expected)
    return appeal if appeal is not None and matches and code else None


def forwarded_to(appeal: Appeal) -> Appeal | None:
    try:
        return appeal.forwarded_to
    except Appeal.DoesNotExist:
        return None


def _event_note(event) -> str:
    """What a public timeline entry may say beyond its label: never personal data, never internal reasons."""
    p = event.payload or {}
    if event.action == "case.forward":
        return f"{p.get('to_name', '')} ({p.get('new_number', '')})".strip()
    if event.action == "case.return_to_author":
        return p.get("reasons", "")
    if event.action == "case.join":
        return p.get("joined_to", "")
    if event.action == "appeal.extended":
        return p.get("new_due_date", "")
    return ""


def public_view(appeal: Appeal, *, show_author: bool = False) -> dict:
    """What the author sees when following the appeal (R-B11): status, deadline, the public timeline and the
    answer record — no personal data of anyone else, and the author's own data only when ``show_author`` and
    the author did not ask to withhold it (Art 19)."""
    from nazorat.core.events import label_for

    case = appeal.case
    target = forwarded_to(appeal)
    due = timezone.localtime(case.due_at).date() if case.due_at else None
    answered = case.status == kinds.ANSWERED
    timeline = [
        {"at": e.occurred_at, "action": e.action, "label": label_for(e.action), "note": _event_note(e)}
        for e in public_timeline(case)
    ]
    view = {
        "number": case.number,
        "kind": appeal.kind,
        "kind_display": str(appeal.get_kind_display()),
        "form": appeal.form,
        "status": case.status,
        "status_display": case.get_status_display(),
        "addressee": appeal.addressee.name,
        "received_at": appeal.received_at,
        "registered_on": appeal.registered_on,
        "due_date": due,
        "is_overdue": case.is_overdue(),
        "closed_at": case.closed_at,
        "forwarded_to": target.case.number if target is not None else None,
        "joined_to": appeal.duplicate_of.case.number if appeal.duplicate_of_id and case.status == kinds.JOINED
        else None,
        "author": appeal.author_name if show_author and not appeal.do_not_disclose else None,
        "answer": {
            "number": appeal.answer_number,
            "sent_on": appeal.answer_sent_on,
            "signer_position": appeal.signer_position,
            "signer_name": appeal.signer_name,
            "outcome": appeal.outcome,
        } if answered else None,
        "rating": appeal.rating,
        "can_withdraw": case.closed_at is None,
        "can_rate": answered and appeal.rating is None,
        "timeline": timeline,
    }
    return view
