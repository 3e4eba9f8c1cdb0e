"""Appeals of individuals and legal entities (law ZRU-445, "On appeals of individuals and legal entities").

Every appeal is a kernel ``Case`` of kind "appeal" (number, status, deadline, assignments, review rounds,
events); ``Appeal`` holds what the law adds: the author (Art 6), the kind and form (Art 3, 5), the receipt and
registration dates (Art 23), the links between repeated, duplicate and forwarded appeals (Art 3, 25, 30), the
privacy flag (Art 19) and the result record (R-B5, R-B6). Every write goes through ``appeals.services``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nazorat.cases.models import Attachment, Case


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


class AppealKind(models.TextChoices):
    """Art 3, 5: all kinds have equal importance; only their terms differ (Art 28)."""

    APPLICATION = "application", _("Application")
    COMPLAINT = "complaint", _("Complaint")
    PROPOSAL = "proposal", _("Proposal")


class AppealForm(models.TextChoices):
    """Art 5: oral appeals made in real time by phone or video are oral, not electronic (Art 3)."""

    ELECTRONIC = "electronic", _("Electronic")
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class Outcome(models.TextChoices):
    """What the answer decided, for the quarterly statistics (Art 35)."""

    SATISFIED = "satisfied", _("Satisfied")
    PARTLY_SATISFIED = "partly_satisfied", _("Partly satisfied")
    EXPLAINED = "explained", _("Explained")
    REFUSED = "refused", _("Refused")


class UnconsideredGround(models.TextChoices):
    """Art 29: grounds for leaving an appeal without consideration."""

    ANONYMOUS = "anonymous", _("Anonymous appeal")
    NO_AUTHORITY = "no_authority", _("The representative's authority is not confirmed")
    OTHER = "other", _("Does not meet other requirements of the law")


class TerminationGround(models.TextChoices):
    """Art 30: grounds for terminating the consideration of an appeal (withdrawal has its own service)."""

    REPEATED = "repeated", _("Repeated appeal without new arguments")
    UNREACHABLE = "unreachable", _("The author cannot be reached (change of address not reported)")
    NO_SHOW = "no_show", _("The summoned author did not come")
    DIED = "died", _("The author died and the matter does not allow succession")


def identity_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest() if value else ""


class Applicant(models.Model):
    """The identity key of an author, used to recognise repeated and duplicate appeals (Art 3, 25, 30).

    Keys are SHA-256 hashes of normalised values, so the table holds no readable personal data: the folded
    full name with the folded address, the lower-cased e-mail, the canonical phone number. An appeal belongs
    to the applicant matching any of its keys."""

    name_key = models.CharField(max_length=64, db_index=True)
    email_key = models.CharField(max_length=64, blank=True, db_index=True)
    phone_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return f"applicant {self.pk}"


class Appeal(models.Model):
    case = models.OneToOneField(Case, primary_key=True, on_delete=models.PROTECT, related_name="appeal",
                                verbose_name=_("case"))
    applicant = models.ForeignKey(Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="appeals")
    # --- the author (Art 6) ---
    applicant_kind = models.CharField(_("author"), max_length=16, choices=ApplicantKind.choices)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    tin = models.CharField(_("taxpayer number (STIR)"), max_length=9, blank=True)
    address = models.CharField(_("address"), max_length=500)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    via_representative = models.BooleanField(_("submitted by a representative"), default=False)
    representative_name = models.CharField(_("representative"), max_length=300, blank=True)
    representative_document = models.ForeignKey(
        Attachment, verbose_name=_("representative's authority document"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    do_not_disclose = models.BooleanField(
        _("do not disclose my personal data"), default=False,
        help_text=_("The author's data is shown to no one outside the bodies that handle the appeal (Art 19)."))
    is_collective = models.BooleanField(_("collective appeal"), default=False)
    # --- the appeal ---
    kind = models.CharField(_("kind"), max_length=16, choices=AppealKind.choices)
    form = models.CharField(_("form"), max_length=16, choices=AppealForm.choices, default=AppealForm.ELECTRONIC)
    received_at = models.DateTimeField(_("received"), db_index=True)
    registered_on = models.DateField(_("registered on"), db_index=True)
    addressee = models.ForeignKey("orgs.Organisation", verbose_name=_("addressee"), on_delete=models.PROTECT,
                                  related_name="appeals_received")
    complained_about = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("body complained about"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="appeals_complained_about",
        help_text=_("The body whose decision or action the complaint is about; never forwarded to it (Art 25)."))
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territory"), on_delete=models.PROTECT,
                                  related_name="appeals")
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, default="uz")
    needs_extra_study = models.BooleanField(_("needs extra study"), default=False)
    extension_used = models.BooleanField(_("extension used"), default=False)
    # --- links (Art 3, 25, 30) ---
    tracking_hash = models.CharField(max_length=64, editable=False)
    repeat_of = models.ForeignKey("self", verbose_name=_("repeat of"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="repeats")
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates")
    forwarded_from = models.OneToOneField("self", verbose_name=_("forwarded from"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="forwarded_to")
    correspondence_closed = models.BooleanField(
        _("correspondence closed"), default=False,
        help_text=_("Set when a repeated appeal without new arguments was terminated: later repeats from this "
                    "author on this matter are terminated without notice (Art 30)."))
    closure_ground = models.CharField(_("ground"), max_length=32, blank=True)
    closure_note = models.TextField(_("conclusion or reasons"), blank=True)
    # --- the result (R-B5, R-B6) ---
    answer = models.ForeignKey(Attachment, verbose_name=_("answer letter"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    answer_number = models.CharField(_("answer number"), max_length=64, blank=True)
    answer_sent_on = models.DateField(_("answer sent on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    signer_position = models.CharField(_("signer's position"), max_length=255, blank=True)
    signer_name = models.CharField(_("signer's full name"), max_length=255, blank=True)
    executor_position = models.CharField(_("executor's position"), max_length=255, blank=True)
    executor_name = models.CharField(_("executor's full name"), max_length=255, blank=True)
    answered_at = models.DateTimeField(_("answer uploaded"), null=True, blank=True)
    # --- the author's rating of the answer ---
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # Folded number and text (and the author's name unless withheld); ``author_search`` always has the name and
    # is searched only for the bodies handling the appeal.
    search_text = models.TextField(blank=True, editable=False)
    author_search = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at", "-case_id"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="appeal_rating_1_to_5"),
            models.CheckConstraint(condition=~Q(applicant_kind="individual") | (~Q(last_name="") & ~Q(first_name="")),
                                   name="appeal_individual_named"),
            models.CheckConstraint(condition=~Q(applicant_kind="legal_entity") | ~Q(organisation_name=""),
                                   name="appeal_legal_entity_named"),
            models.CheckConstraint(condition=~Q(via_representative=True) | Q(representative_document__isnull=False),
                                   name="appeal_representative_document"),
        ]
        indexes = [models.Index(fields=["addressee", "registered_on"], name="appeal_addressee_reg_idx")]

    def __str__(self) -> str:
        return self.case.number

    @property
    def number(self) -> str:
        return self.case.number

    @property
    def author_name(self) -> str:
        """Surname, name and patronymic of an individual, or the name of a legal entity."""
        if self.applicant_kind == ApplicantKind.LEGAL_ENTITY:
            return self.organisation_name
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def answer_recipient(self) -> str:
        """Art 27: the answer to a collective appeal goes to the first person in the list of signatories."""
        if self.is_collective:
            first = self.signatories.order_by("order").first()
            if first is not None:
                return first.full_name
        return self.author_name


class Signatory(models.Model):
    """One signatory of a collective appeal (Art 15, 27); ``order`` 1 receives the answer."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="signatories")
    order = models.PositiveSmallIntegerField(_("order"))
    full_name = models.CharField(_("full name"), max_length=300)
    address = models.CharField(_("address"), max_length=500)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["appeal_id", "order"]
        constraints = [models.UniqueConstraint(fields=["appeal", "order"], name="signatory_unique_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.full_name}"
