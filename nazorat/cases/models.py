"""The shared case kernel: one row per appeal, problem report, task or service request, with its
assignments, deadlines, extension requests, review rounds, attachments and what waits on whom.

Modules keep their own fields in their own table joined one-to-one to ``Case``. Every write goes
through ``cases.services``; these models only keep invariants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, now=None):
        """Derived, never stored: open, with a deadline, and the deadline has passed."""
        now = now or timezone.now()
        return self.filter(closed_at__isnull=True, due_at__isnull=False, due_at__lt=now)

    def closed_late(self):
        return self.filter(closed_at__isnull=False, due_at__isnull=False, closed_at__gt=models.F("due_at"))


class Case(models.Model):
    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    number = models.CharField(_("number"), max_length=40, unique=True)
    register = models.ForeignKey("orgs.Organisation", verbose_name=_("register of"), on_delete=models.PROTECT,
                                 related_name="+", help_text=_("The body whose register gave the number."))
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(_("status"), max_length=32, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey("orgs.Organisation", verbose_name=_("controlling body"), on_delete=models.PROTECT,
                              related_name="owned_cases")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territory"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="cases_applied")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="cases_created")
    language = models.CharField(_("language"), max_length=8, default="uz")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("first due date"), null=True, blank=True)
    deadline_rule = models.CharField(_("deadline rule"), max_length=64, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    is_public = models.BooleanField(_("public"), default=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "kind", "year", "sequence"], name="case_unique_sequence"),
            models.CheckConstraint(condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                                   name="case_closed_after_opened"),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="case_owner_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def case_type(self):
        from .kinds import registry

        return registry.get(self.kind)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and self.due_at is not None and self.due_at < now

    def get_status_display(self) -> str:
        ct = self.case_type
        return str(ct.status_label(self.status)) if ct else self.status


class NumberSequence(models.Model):
    """Gap-free counters per organisation, series and year (locked row per allocation)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "series", "year"], name="numberseq_unique")]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead executor")
    CO_EXECUTOR = "co_executor", _("Co-executor")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Result submitted")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=[AssignmentState.DONE, AssignmentState.CANCELLED])

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.open().filter(due_at__isnull=False, due_at__lt=now)


class Assignment(FSMModelMixin, models.Model):
    """A case given to an organisation (and within it a person) with its own deadline. Assignments nest:
    a region passes its assignment on to its districts; a child's deadline never exceeds its parent's."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assignments")
    parent = models.ForeignKey("self", verbose_name=_("passed on from"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="assignments")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    state = FSMField(_("state"), max_length=16, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED,
                     protected=True)
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("first due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case_id", "assigned_at", "id"]
        indexes = [models.Index(fields=["organisation", "state"], name="assignment_org_state_idx")]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.organisation}"

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.state not in (AssignmentState.DONE, AssignmentState.CANCELLED)
                and self.due_at is not None and self.due_at < now)

    # Transition table (side effects live in services).
    @transition(field=state, source=AssignmentState.ASSIGNED, target=AssignmentState.IN_PROGRESS)
    def accept(self):
        pass

    @transition(field=state, source=[AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS],
                target=AssignmentState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=AssignmentState.SUBMITTED, target=AssignmentState.IN_PROGRESS)
    def send_back(self):
        pass

    @transition(field=state, source=[AssignmentState.SUBMITTED, AssignmentState.IN_PROGRESS], target=AssignmentState.DONE)
    def complete(self):
        pass

    @transition(field=state, source=[AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS, AssignmentState.SUBMITTED],
                target=AssignmentState.CANCELLED)
    def cancel(self):
        pass


class AssignmentStep(models.Model):
    """A timed step the receiving body must take (register within 30 minutes, name the executor within a
    working day, approve a control plan within 3 working days). Lateness is derived from done vs due."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="steps")
    code = models.CharField(_("step"), max_length=32)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["assignment_id", "due_at"]
        constraints = [models.UniqueConstraint(fields=["assignment", "code"], name="assignmentstep_unique")]

    @property
    def is_late(self) -> bool:
        end = self.done_at or timezone.now()
        return end > self.due_at

    @property
    def label(self) -> str:
        from .kinds import ACTION_LABELS

        return str(ACTION_LABELS.get(self.code, self.code))


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExtensionRequest(FSMModelMixin, models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="extension_requests")
    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    old_due_at = models.DateTimeField(_("due date before"))
    requested_due_at = models.DateTimeField(_("requested due date"))
    reasons = models.TextField(_("reasons"))
    state = FSMField(_("state"), max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING,
                     protected=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    granted_due_at = models.DateTimeField(_("granted due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(requested_due_at__gt=models.F("old_due_at")),
                                   name="extension_later_than_before"),
            models.UniqueConstraint(fields=["assignment"], condition=Q(state="pending"), name="extension_one_pending"),
        ]

    @transition(field=state, source=ExtensionState.PENDING, target=ExtensionState.GRANTED)
    def grant(self):
        pass

    @transition(field=state, source=ExtensionState.PENDING, target=ExtensionState.REFUSED)
    def refuse(self):
        pass

    @transition(field=state, source=ExtensionState.PENDING, target=ExtensionState.WITHDRAWN)
    def withdraw(self):
        pass


class Verdict(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn (case closed)")


class ReviewRound(FSMModelMixin, models.Model):
    """One submission of a result and one reviewer's verdict on it. ``number`` counts submissions (1 for
    the first, 2 after a return...); ``step`` is the position in the chain of reviewers."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="review_rounds")
    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="review_rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    step = models.PositiveSmallIntegerField(_("chain step"), default=1)
    step_code = models.CharField(_("reviewer"), max_length=32, blank=True)
    reviewer_org = models.ForeignKey("orgs.Organisation", verbose_name=_("reviewing body"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reviewer_role = models.CharField(_("reviewer role"), max_length=16, default="control_group")
    reviewer_position = models.CharField(_("reviewer position"), max_length=16, blank=True,
                                         help_text=_("When set, the holder of this position reviews."))
    # The chain of reviewers fixed at submission (body, role or position per step), copied to each step.
    chain = models.JSONField(default=list, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submission = models.TextField(_("result"))
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    verdict = FSMField(_("verdict"), max_length=16, choices=Verdict.choices, default=Verdict.PENDING, protected=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["case_id", "number", "step"]
        constraints = [
            models.CheckConstraint(condition=~Q(verdict="returned") | ~Q(reasons=""), name="review_return_has_reasons"),
        ]

    @transition(field=verdict, source=Verdict.PENDING, target=Verdict.ACCEPTED)
    def accept(self):
        pass

    @transition(field=verdict, source=Verdict.PENDING, target=Verdict.RETURNED)
    def send_back(self):
        pass

    @transition(field=verdict, source=Verdict.PENDING, target=Verdict.WITHDRAWN)
    def withdraw(self):
        pass


def attachment_path(instance, filename):
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A validated file (type checked by content, size limited, SHA-256 kept). Never deleted."""

    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="attachments")
    review_round = models.ForeignKey(ReviewRound, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="attachments")
    purpose = models.CharField(_("purpose"), max_length=32, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class WorkItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.open().filter(due_at__isnull=False, due_at__lt=now)


class WorkItem(models.Model):
    """What waits on whom: written by services in the same transaction as the change that opens or ends
    the wait. The inbox is one indexed query over open rows; the sweeps read it too."""

    key = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="work_items")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="work_items")
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="work_items")
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(_("action needed"), max_length=32)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                                   name="workitem_has_addressee"),
        ]
        indexes = [
            models.Index(fields=["person", "closed_at", "due_at"], name="workitem_person_idx"),
            models.Index(fields=["organisation", "role", "closed_at", "due_at"], name="workitem_org_role_idx"),
            # Partial: only open items, so SQLite's planner never prefers it for the inbox query.
            models.Index(fields=["due_at"], condition=Q(closed_at__isnull=True), name="workitem_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.case.number}"

    @property
    def action_label(self) -> str:
        from .kinds import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))
