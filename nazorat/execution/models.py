"""Execution control ("Ijro", R-A1…R-A13): control documents and their tasks, control plans, execution and
progress reports, discipline measures, public comments, work plans and targeted studies.

Every task is a kernel ``Case`` of kind "task" (number, status, deadline, assignments with their timed steps,
extension requests, review rounds, events); ``Task`` holds what execution control adds. Every write goes
through ``execution.services`` (and ``execution.studies`` for work plans and studies). Nothing here is ever
deleted: the law requires control files to be kept (UP-6166).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nazorat.cases.models import Attachment, Case
from nazorat.orgs.models import Position, Role


class DocumentKind(models.TextChoices):
    LAW = "law", _("Law")
    DECREE = "decree", _("Decree of the President")
    RESOLUTION = "resolution", _("Resolution")
    ORDER = "order", _("Order")
    PROTOCOL = "protocol", _("Protocol instruction")
    INSTRUCTION = "instruction", _("Instruction")


class ControlDocument(models.Model):
    """A legal act or instruction taken on control (R-A1). Its items are ``Task`` rows."""

    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, db_index=True)
    issuer = models.ForeignKey("orgs.Organisation", verbose_name=_("issued by"), on_delete=models.PROTECT,
                               related_name="issued_documents")
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"), blank=True)
    file = models.ForeignKey(Attachment, verbose_name=_("file"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    controller = models.ForeignKey("orgs.Organisation", verbose_name=_("controlling body"), on_delete=models.PROTECT,
                                   related_name="controlled_documents")
    is_public = models.BooleanField(_("public"), default=False,
                                    help_text=_("Published with the execution status of its tasks."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("control document")
        verbose_name_plural = _("control documents")
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["issuer", "kind", "number", "date"],
                                               name="controldocument_unique_number")]
        indexes = [models.Index(fields=["controller", "-date"], name="controldoc_controller_idx"),
                   models.Index(fields=["is_public", "-date"], name="controldoc_public_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.number} ({self.date:%d.%m.%Y})"


class DeadlineKind(models.TextChoices):
    DATE = "date", _("By a date")
    NONE = "none", _("No deadline")
    PERIODIC = "periodic", _("Periodic")


class Period(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")


PERIOD_MONTHS = {Period.MONTHLY: 1, Period.QUARTERLY: 3, Period.HALF_YEARLY: 6}


class Task(models.Model):
    """One item of a control document, on control as a kernel case."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="task",
                                primary_key=True)
    document = models.ForeignKey(ControlDocument, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="tasks")
    item = models.CharField(_("item"), max_length=32, help_text=_("The item number in the document, e.g. 3 or 2.1."))
    deadline_kind = models.CharField(_("deadline"), max_length=16, choices=DeadlineKind.choices,
                                     default=DeadlineKind.DATE)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices, blank=True)
    # Set when the task is put on control: no deadline, a period, or a deadline a year or more away (rule 21).
    needs_progress_reports = models.BooleanField(_("progress reports every six months"), default=False)
    put_on_control_at = models.DateTimeField(_("put on control"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["document_id", "case_id"]
        constraints = [
            models.CheckConstraint(condition=~Q(deadline_kind="periodic") | ~Q(period=""),
                                   name="task_periodic_has_period"),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} / {self.item}"


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class ControlPlan(models.Model):
    """The control plan (nazorat rejasi, R-A3) a receiving body approves for a document within 3 working days:
    rows of task, mechanism of implementation, deadline and responsible executors (annex of seed 000)."""

    document = models.ForeignKey(ControlDocument, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="plans")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="control_plans")
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("prepared"), default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approver_title = models.CharField(_("approver's position"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("control plan")
        verbose_name_plural = _("control plans")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["document", "organisation"], name="controlplan_unique")]

    def __str__(self) -> str:
        return f"{self.document} — {self.organisation}"


class ControlPlanRow(models.Model):
    plan = models.ForeignKey(ControlPlan, verbose_name=_("control plan"), on_delete=models.PROTECT,
                             related_name="rows")
    position = models.PositiveSmallIntegerField(_("no."))
    task = models.ForeignKey(Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="plan_rows")
    text = models.TextField(_("task"))
    mechanism = models.TextField(_("mechanism of implementation"))
    deadline = models.CharField(_("deadline"), max_length=120,
                                help_text=_("A date, or words such as 'within 30 minutes' or 'every six months'."))
    executors = models.TextField(_("responsible executors"))

    class Meta:
        verbose_name = _("control plan row")
        verbose_name_plural = _("control plan rows")
        ordering = ["plan_id", "position", "id"]


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting the head's confirmation")
    CONFIRMED = "confirmed", _("Confirmed and sent up")
    REJECTED = "rejected", _("Sent back by the head")
    WITHDRAWN = "withdrawn", _("Not sent: the task was withdrawn from control")


class ExecutionReport(models.Model):
    """What an executing body did (R-A4): written by the executor with supporting documents, confirmed by the
    head or first deputy, and only then submitted to the chain (a kernel review round)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="reports")
    assignment = models.ForeignKey("cases.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT,
                                   related_name="execution_reports")
    text = models.TextField(_("work done"))
    attachments = models.ManyToManyField(Attachment, verbose_name=_("supporting documents"), blank=True,
                                         related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmer_title = models.CharField(_("confirmer's position"), max_length=255, blank=True)
    head_note = models.TextField(_("head's note"), blank=True)
    review_round = models.OneToOneField("cases.ReviewRound", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="execution_report")

    class Meta:
        verbose_name = _("execution report")
        verbose_name_plural = _("execution reports")
        ordering = ["-written_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["assignment"], condition=Q(state="draft"),
                                               name="report_one_draft_per_assignment")]


class ProgressReport(models.Model):
    """A periodic progress entry (R-A7, rule 21): every six months for tasks with no deadline or one a year or
    more away, every period for periodic tasks. Scheduled by the worker; overdue when missed."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="progress_reports")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="+")
    sequence = models.PositiveSmallIntegerField(_("report no."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    text = models.TextField(_("work done in the period"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    attachments = models.ManyToManyField(Attachment, verbose_name=_("supporting documents"), blank=True,
                                         related_name="+")

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["task", "organisation", "sequence"],
                                               name="progressreport_unique")]

    @property
    def is_overdue(self) -> bool:
        """Missed and still wanted: a task no longer on control asks for no more reports."""
        return self.submitted_at is None and self.due_at < timezone.now() and self.task.case.closed_at is None

    @property
    def was_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at > self.due_at


class MeasureKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussed at the meeting")
    WARNING = "warning", _("Warning")
    REPRIMAND = "reprimand", _("Reprimand")
    SEVERE_REPRIMAND = "severe_reprimand", _("Severe reprimand")
    BONUS_CUT = "bonus_cut", _("Bonus reduced")
    FINE = "fine", _("Fine (administrative liability)")
    DISMISSAL = "dismissal", _("Dismissal")
    OTHER = "other", _("Other measure")


class DisciplinaryMeasure(models.Model):
    """A measure taken against an executor or head listed in the weekly discipline register (R-A9)."""

    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="disciplinary_measures")
    week = models.DateField(_("week of"), help_text=_("The Monday of the register's week."), db_index=True)
    kind = models.CharField(_("measure"), max_length=16, choices=MeasureKind.choices)
    note = models.TextField(_("grounds"))
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), related_name="measures", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("disciplinary measure")
        verbose_name_plural = _("disciplinary measures")
        ordering = ["-week", "-recorded_at"]


class Opinion(models.TextChoices):
    SUPPORT = "support", _("I support it")
    NEUTRAL = "neutral", _("Neutral")
    AGAINST = "against", _("I do not support it")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class PublicComment(models.Model):
    """A citizen's comment and opinion on a published document (R-A11), shown after moderation."""

    document = models.ForeignKey(ControlDocument, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="comments")
    task = models.ForeignKey(Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    opinion = models.CharField(_("opinion"), max_length=16, choices=Opinion.choices)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    state = models.CharField(_("state"), max_length=16, choices=ModerationState.choices,
                             default=ModerationState.PENDING, db_index=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderation_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["document", "state"], name="publiccomment_doc_state_idx")]


class PlanKind(models.TextChoices):
    HALF_YEARLY = "half_yearly", _("Half-yearly plan of the body")
    QUARTERLY = "quarterly", _("Quarterly plan of a deputy")
    MONTHLY = "monthly", _("Monthly plan of a staff member")


PLAN_MONTHS = {PlanKind.HALF_YEARLY: 6, PlanKind.QUARTERLY: 3, PlanKind.MONTHLY: 1}


class WorkPlan(models.Model):
    """A work plan (R-A13): half-yearly for a hokimlik, quarterly for deputies, monthly for staff; its
    execution-discipline section holds the planned on-site studies."""

    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="work_plans")
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("whose plan"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="work_plans",
                              help_text=_("The deputy or staff member; empty for the body's own plan."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    title = models.CharField(_("title"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("prepared"), default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-period_start", "-id"]


class PlanSection(models.TextChoices):
    EXECUTION_DISCIPLINE = "execution_discipline", _("Execution discipline")
    ORGANISATIONAL = "organisational", _("Organisational measures")
    OTHER = "other", _("Other")


class WorkPlanItem(models.Model):
    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT, related_name="items")
    section = models.CharField(_("section"), max_length=24, choices=PlanSection.choices,
                               default=PlanSection.EXECUTION_DISCIPLINE)
    position = models.PositiveSmallIntegerField(_("no."))
    text = models.TextField(_("measure"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    responsible = models.CharField(_("responsible"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        ordering = ["plan_id", "section", "position", "id"]


class StudyState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONDUCTED = "conducted", _("Conducted, measures under way")
    CLOSED = "closed", _("Closed, all measures taken")
    CANCELLED = "cancelled", _("Cancelled")


class Study(models.Model):
    """A targeted on-site study of how acts and tasks are executed in a territory or organisation (R-A13):
    planned, conducted with findings tied to the tasks concerned, and followed until every measure is taken."""

    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("conducted by"), on_delete=models.PROTECT,
                                     related_name="studies")
    plan_item = models.ForeignKey(WorkPlanItem, verbose_name=_("work plan item"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="studies")
    target_organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation studied"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="studies_of")
    target_territory = models.ForeignKey("territories.Territory", verbose_name=_("territory studied"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=500)
    planned_on = models.DateField(_("planned for"))
    state = models.CharField(_("state"), max_length=16, choices=StudyState.choices, default=StudyState.PLANNED,
                             db_index=True)
    conducted_on = models.DateField(_("conducted on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks concerned"), related_name="studies", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("planned by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("planned"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-planned_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(target_organisation__isnull=False) | Q(target_territory__isnull=False),
            name="study_has_target")]


class StudyMeasure(models.Model):
    """A prompt measure decided after a study, followed to the end."""

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.PROTECT, related_name="measures")
    text = models.TextField(_("measure"))
    responsible = models.ForeignKey("orgs.Organisation", verbose_name=_("responsible body"), on_delete=models.PROTECT,
                                    related_name="+")
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("study measure")
        verbose_name_plural = _("study measures")
        ordering = ["study_id", "due_on", "id"]


class ChainStepKind(models.TextChoices):
    ROLE = "role", _("Anyone with the role")
    POSITION = "position", _("The holder of the position")


class ReviewChainStep(models.Model):
    """A configured link of the chain of reviewers for tasks a controlling body puts on control (R-A5). With no
    rows for a body, the default chain applies (docs/execution.md)."""

    controller = models.ForeignKey("orgs.Organisation", verbose_name=_("controlling body"), on_delete=models.PROTECT,
                                   related_name="review_chain_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=32)
    label = models.CharField(_("label"), max_length=200)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("reviewing body"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("Empty: the controlling body itself."))
    role = models.CharField(_("role"), max_length=16, blank=True, choices=Role.choices)
    position = models.CharField(_("position"), max_length=16, blank=True, choices=Position.choices,
                                help_text=_("When set, the holder of this position reviews (the role is ignored)."))

    class Meta:
        verbose_name = _("review chain step")
        verbose_name_plural = _("review chain steps")
        ordering = ["controller_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["controller", "order"], name="reviewchainstep_unique_order"),
            models.CheckConstraint(condition=~Q(role="") | ~Q(position=""), name="reviewchainstep_has_reviewer"),
        ]
