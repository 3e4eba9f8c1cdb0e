"""Serializers of the execution-control API (R-A1…R-A11). Inputs and outputs are separate; views call services
and never save serializers. Outputs read objects the views fetched through ``execution.selectors`` (the lists
with everything a row shows already joined or prefetched: no query per row).

The public outputs (``Public*``) carry no internals: statuses, dates and the names of bodies only — never a
staff member's name, instructions, reports or objections."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nazorat.cases.models import AssignmentRole
from nazorat.orgs.models import Organisation, Unit

from .. import kinds
from ..models import DeadlineKind, DocumentKind, Opinion, Period

User = get_user_model()
TASK_STATUS_CHOICES = [(k, str(v)) for k, v in kinds.TASK.statuses.items()]
ACTIVE_ORGS = Organisation.objects.filter(is_active=True)


# No enum in the schema: a second "status" enum would rename the appeals' one (drf-spectacular's enum hook).
@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(kinds.TASK.statuses) + "."})
class TaskStatusField(serializers.CharField):
    """A task's status code (the label is in ``status_display``)."""


def _date(value):
    return timezone.localtime(value).date() if value else None


# --- inputs ---------------------------------------------------------------------------------------

class ControlDocumentCreateSerializer(serializers.Serializer):
    """A legal act or instruction to register for control (JSON, or multipart with its ``file``). The title is
    required in Uzbek; the other languages are optional. Either ``text`` or ``file`` is required."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    issuer = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_ORGS,
                                                help_text=_("Id of the body that issued the document."))
    number = serializers.CharField(max_length=64)
    date = serializers.DateField(help_text=_("The document's date; not in the future."))
    title_uz = serializers.CharField(max_length=500)
    title_uz_cyrl = serializers.CharField(max_length=500, required=False, allow_blank=True)
    title_ru = serializers.CharField(max_length=500, required=False, allow_blank=True)
    title_en = serializers.CharField(max_length=500, required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, help_text=_("The document's file (PDF, DOCX, image)."))
    controller = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_ORGS, required=False, allow_null=True,
        help_text=_("The controlling body; by default the body where you are a controller."))
    is_public = serializers.BooleanField(required=False, default=False,
                                         help_text=_("Publish it with its tasks' execution status."))


class PublishInputSerializer(serializers.Serializer):
    public = serializers.BooleanField(help_text=_("True publishes the document; false takes it off the public "
                                                  "pages."))


class TaskAddInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=32, help_text=_("The item number in the document, e.g. 3 or 2.1."))
    text = serializers.CharField(help_text=_("What the task requires."))
    deadline_kind = serializers.ChoiceField(choices=DeadlineKind.choices, default=DeadlineKind.DATE)
    due_on = serializers.DateField(required=False, allow_null=True,
                                   help_text=_("Required for a task by a date: the end of that working day."))
    period = serializers.ChoiceField(choices=Period.choices, required=False, allow_blank=True, default="",
                                     help_text=_("Required for a periodic task."))


class ExecutorInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_ORGS)
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    due_on = serializers.DateField(required=False, allow_null=True,
                                   help_text=_("No later than the task's deadline; the task's by default."))


class PutOnControlInputSerializer(serializers.Serializer):
    executors = ExecutorInputSerializer(many=True, help_text=_("Exactly one lead and any co-executors."))
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class AssignmentInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                          help_text=_("Id of the assignment (from the task's cascade)."))


class PassOnInputSerializer(AssignmentInputSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_ORGS,
                                                      help_text=_("A body under the receiving one."))
    due_on = serializers.DateField(required=False, allow_null=True,
                                   help_text=_("No later than the assignment's own deadline; that one by default."))
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class NameExecutorInputSerializer(AssignmentInputSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True),
                                                help_text=_("Id of the responsible person (works in the body)."))
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True), required=False,
                                              allow_null=True, help_text=_("Id of the responsible unit."))


class ReportInputSerializer(AssignmentInputSerializer):
    text = serializers.CharField(help_text=_("What was done (at least 10 characters)."))
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text=_("Supporting documents; at least one."))


class TaskReviewInputSerializer(serializers.Serializer):
    round = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text=_(
        "The review round decided (from review_rounds); without it, the first one waiting on you."))
    accept = serializers.BooleanField(help_text=_("True accepts; false returns the report to the executor."))
    reasons = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text=_("The objections; required to return."))


class TaskExtensionInputSerializer(AssignmentInputSerializer):
    requested_due_on = serializers.DateField(help_text=_("Later than the current deadline."))
    reasons = serializers.CharField(help_text=_("Why more time is needed (at least 10 characters)."))


class AddExecutorInputSerializer(ExecutorInputSerializer):
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default=AssignmentRole.CO_EXECUTOR)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class RecallExecutorInputSerializer(AssignmentInputSerializer):
    reason = serializers.CharField(help_text=_("Why the executor is recalled."))


class TaskWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why the task is taken off control without execution."))


class ProgressInputSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(required=False, min_value=1, max_value=32767,
                                        help_text=_("The progress report's number; or give its id in ``report``."))
    report = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text=_("Id of the progress report."))
    text = serializers.CharField(help_text=_("Work done in the period (at least 10 characters)."))
    files = serializers.ListField(child=serializers.FileField(), required=False)

    def validate(self, attrs):
        if not attrs.get("sequence") and not attrs.get("report"):
            raise serializers.ValidationError({"sequence": [_("Give the progress report's number or id.")]})
        return attrs


class ReportNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PlanRowInputSerializer(serializers.Serializer):
    task = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                    help_text=_("Id of the task (an item of the document), if the row is one."))
    text = serializers.CharField(required=False, allow_blank=True, default="")
    mechanism = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text=_("Mechanism of implementation."))
    deadline = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text=_("A date, or words such as 'within 30 minutes'."))
    executors = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text=_("Responsible executors."))


class PlanSaveInputSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("Id of the control document."))
    organisation = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_ORGS,
                                                      help_text=_("The body whose plan it is."))
    rows = PlanRowInputSerializer(many=True)


class CommentInputSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices)
    text = serializers.CharField(help_text=_("5 to 4000 characters."))
    task = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text=_("Number of the task (an item of this document) the comment is about."))


class ModerateInputSerializer(serializers.Serializer):
    publish = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text=_("Required to reject."))


# --- outputs: pieces ------------------------------------------------------------------------------

class FileOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_url(self, obj):
        if not obj.case_id:
            return None
        return reverse("cases:attachment", kwargs={"pk": obj.case_id, "attachment_id": obj.pk})


class StepOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField(source="is_late", help_text=_("Done after its deadline, or still not done "
                                                                  "and past it."))


class CascadeAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.SerializerMethodField()
    person = serializers.IntegerField(source="person_id", allow_null=True)
    person_name = serializers.SerializerMethodField()
    role = serializers.CharField()
    state = serializers.CharField()
    instructions = serializers.CharField(allow_blank=True)
    due_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    steps = StepOutSerializer(many=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_unit_name(self, obj):
        return obj.unit.name if obj.unit_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_person_name(self, obj):
        return obj.person.display_name if obj.person_id else None

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()


class TaskRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)
    assignment_organisation = serializers.SerializerMethodField()
    number = serializers.IntegerField(help_text=_("The submission's number (1, 2 after a return, …)."))
    step = serializers.IntegerField(help_text=_("The link of the chain of reviewers (1 is the first)."))
    step_code = serializers.CharField(allow_blank=True)
    reviewer_org = serializers.IntegerField(source="reviewer_org_id", allow_null=True)
    reviewer_org_name = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField()
    review_due_at = serializers.DateTimeField(allow_null=True)
    verdict = serializers.CharField()
    reasons = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_assignment_organisation(self, obj):
        return obj.assignment.organisation.name if obj.assignment_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_reviewer_org_name(self, obj):
        return obj.reviewer_org.name if obj.reviewer_org_id else None


class ExecutionReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.CharField(source="task.case.number", help_text=_("The task's number."))
    assignment = serializers.IntegerField(source="assignment_id")
    organisation = serializers.IntegerField(source="assignment.organisation_id")
    organisation_name = serializers.CharField(source="assignment.organisation.name")
    text = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    written_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmer_title = serializers.CharField(allow_blank=True)
    head_note = serializers.CharField(allow_blank=True)
    review_round = serializers.IntegerField(source="review_round_id", allow_null=True)
    attachments = FileOutSerializer(many=True, source="attachments.all")


class ProgressReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_at = serializers.DateTimeField()
    text = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()
    was_late = serializers.BooleanField()


class TaskExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)
    requested_at = serializers.DateTimeField()
    old_due_at = serializers.DateTimeField()
    requested_due_at = serializers.DateTimeField()
    reasons = serializers.CharField()
    state = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)
    granted_due_at = serializers.DateTimeField(allow_null=True)


class ExecutorOutSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    role = serializers.CharField()
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class DocumentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    date = serializers.DateField()
    title = serializers.CharField()


# --- outputs: tasks -------------------------------------------------------------------------------

class TaskSerializer(serializers.Serializer):
    """A row of the task list: the task, its deadline and status, and its top-level executors."""

    number = serializers.CharField(source="case.number")
    case = serializers.IntegerField(source="case_id")
    document = serializers.IntegerField(source="document_id")
    document_number = serializers.CharField(source="document.number")
    item = serializers.CharField()
    title = serializers.CharField(source="case.title")
    status = TaskStatusField(source="case.status")
    status_display = serializers.CharField(source="case.get_status_display")
    owner = serializers.IntegerField(source="case.owner_id", help_text=_("The controlling body."))
    owner_name = serializers.CharField(source="case.owner.name")
    deadline_kind = serializers.CharField()
    period = serializers.CharField(allow_blank=True)
    due_at = serializers.DateTimeField(source="case.due_at", allow_null=True)
    original_due_at = serializers.DateTimeField(source="case.original_due_at", allow_null=True)
    needs_progress_reports = serializers.BooleanField()
    put_on_control_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    executors = serializers.SerializerMethodField()

    def get_is_overdue(self, obj) -> bool:
        return obj.case.is_overdue()

    @extend_schema_field(ExecutorOutSerializer(many=True))
    def get_executors(self, obj):
        top = getattr(obj.case, "top_assignments", None)
        if top is None:
            top = [a for a in getattr(obj, "api_assignments", []) if a.parent_id is None]
        return ExecutorOutSerializer([a for a in top if a.state != "cancelled"], many=True).data


class TaskDetailSerializer(TaskSerializer):
    """One task with everything staff follow: the cascade with its timed steps, the review rounds, the
    execution and progress reports and the extension requests. The view attaches the lists (``api_*``)."""

    text = serializers.CharField(source="case.summary")
    document_detail = DocumentBriefSerializer(source="document")
    assignments = CascadeAssignmentSerializer(many=True, source="api_assignments")
    review_rounds = TaskRoundSerializer(many=True, source="api_rounds")
    reports = ExecutionReportSerializer(many=True, source="api_reports")
    progress_reports = ProgressReportSerializer(many=True, source="api_progress")
    extension_requests = TaskExtensionSerializer(many=True, source="api_extensions")
    my_assignments = serializers.ListField(child=serializers.IntegerField(), source="api_mine",
                                           help_text=_("Open assignments of your bodies."))
    review_pending_for_me = serializers.BooleanField(source="api_review_pending",
                                                     help_text=_("A review round waits on you."))
    allowed_actions = serializers.SerializerMethodField()

    def get_allowed_actions(self, obj) -> list[str]:
        case = obj.case
        return kinds.TASK.allowed_actions(case.status) if case.closed_at is None else []


# --- outputs: documents and plans -----------------------------------------------------------------

class ControlDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    issuer = serializers.IntegerField(source="issuer_id")
    issuer_name = serializers.CharField(source="issuer.name")
    number = serializers.CharField()
    date = serializers.DateField()
    title = serializers.CharField()
    title_uz = serializers.CharField(allow_null=True)
    title_uz_cyrl = serializers.CharField(allow_null=True)
    title_ru = serializers.CharField(allow_null=True)
    title_en = serializers.CharField(allow_null=True)
    controller = serializers.IntegerField(source="controller_id")
    controller_name = serializers.CharField(source="controller.name")
    is_public = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    registered_at = serializers.DateTimeField()
    task_count = serializers.IntegerField(help_text=_("All tasks of the document."))


class DocumentTaskSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number")
    item = serializers.CharField()
    status = TaskStatusField(source="case.status")
    status_display = serializers.CharField(source="case.get_status_display")
    deadline_kind = serializers.CharField()
    due_at = serializers.DateTimeField(source="case.due_at", allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    def get_is_overdue(self, obj) -> bool:
        return obj.case.is_overdue()


class ControlDocumentDetailSerializer(ControlDocumentSerializer):
    """The document with its text, its file and the tasks of it you may see (with their status counts)."""

    text = serializers.CharField(allow_blank=True)
    file = FileOutSerializer(allow_null=True)
    tasks = DocumentTaskSerializer(many=True, source="api_tasks")
    status_counts = serializers.DictField(child=serializers.IntegerField(), source="api_status_counts",
                                          help_text=_("Your visible tasks of the document per status."))


class PlanRowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id", allow_null=True)
    task_number = serializers.SerializerMethodField()
    text = serializers.CharField()
    mechanism = serializers.CharField()
    deadline = serializers.CharField()
    executors = serializers.CharField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_task_number(self, obj):
        return obj.task.case.number if obj.task_id else None


class ControlPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    document_number = serializers.CharField(source="document.number")
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    created_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)
    approver_title = serializers.CharField(allow_blank=True)
    rows = PlanRowSerializer(many=True, source="rows.all")


class PublicCommentStaffSerializer(serializers.Serializer):
    """A comment as moderators see it (no author data)."""

    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    task = serializers.SerializerMethodField()
    opinion = serializers.CharField()
    text = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    moderated_at = serializers.DateTimeField(allow_null=True)
    moderation_reason = serializers.CharField(allow_blank=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_task(self, obj):
        return obj.task.case.number if obj.task_id else None


# --- outputs: public ------------------------------------------------------------------------------

class PublicControlDocumentSerializer(serializers.Serializer):
    """A published document with the counts shown beside it (R-A11)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    issuer_name = serializers.CharField(source="issuer.name")
    number = serializers.CharField()
    date = serializers.DateField()
    title = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    task_count = serializers.IntegerField()
    removed_count = serializers.IntegerField(help_text=_("Tasks executed and removed from control."))
    comment_count = serializers.IntegerField(help_text=_("Published comments."))
    support_count = serializers.IntegerField()
    against_count = serializers.IntegerField()


class PublicTaskSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number")
    item = serializers.CharField()
    text = serializers.CharField(source="case.summary")
    status = TaskStatusField(source="case.status")
    status_display = serializers.CharField(source="case.get_status_display")
    deadline_kind = serializers.CharField()
    period = serializers.CharField(allow_blank=True)
    due_on = serializers.SerializerMethodField()
    closed_on = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    executors = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_due_on(self, obj):
        return _date(obj.case.due_at)

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_closed_on(self, obj):
        return _date(obj.case.closed_at)

    def get_is_overdue(self, obj) -> bool:
        return obj.case.is_overdue()

    def get_executors(self, obj) -> list[str]:
        """The bodies executing it (names of bodies only)."""
        return [a.organisation.name for a in getattr(obj.case, "top_assignments", []) if a.state != "cancelled"]


class PublicCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    opinion = serializers.CharField()
    opinion_display = serializers.CharField(source="get_opinion_display")
    text = serializers.CharField()
    task = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_task(self, obj):
        return obj.task.case.number if obj.task_id else None


class PublicControlDocumentDetailSerializer(PublicControlDocumentSerializer):
    text = serializers.CharField(allow_blank=True)
    tasks = PublicTaskSerializer(many=True, source="api_tasks")


class PublicCommentCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text=_("'pending': shown after moderation."))
    opinion = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
