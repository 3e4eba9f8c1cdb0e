"""The execution-control API (R-A1…R-A11, issue 4 item 14): control documents and their tasks, the cascade of
assignments, control plans, execution and progress reports, the review chain, and public control.

Reads go through ``execution.selectors`` (scoped to the caller: an object you may not see answers 404), writes
through ``execution.services``. Transitions are ``POST /api/v1/<collection>/<id>/<action>/``; errors follow
nazorat/api (400 with messages per field and nothing changed, 401, 403, 404, 409 with the reason).

Extension decisions reuse the kernel's ``POST /api/v1/extension-requests/<id>/decide/``. There is no endpoint
that edits a deadline: ``PUT``/``PATCH`` on a task answer 405 (R-A6)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from nazorat.api import serializers as api_s
from nazorat.api.pagination import Pagination as BasePagination
from nazorat.api.views import ERRORS, FIELD_ERRORS, IdFilter
from nazorat.cases.models import Assignment, Verdict
from nazorat.cases.services import CaseStateError
from nazorat.core.search import search

from .. import selectors, services
from ..models import (
    ControlDocument,
    ControlPlan,
    ControlPlanRow,
    DocumentKind,
    ExecutionReport,
    ModerationState,
    PlanState,
    PublicComment,
    ReportState,
    Task,
)
from . import serializers as s

# An empty filter value means "any" (as from an HTML form); the contract says so (nazorat/api/schema.py).
ID = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, {"type": "string", "maxLength": 0}]}
# Free text as a form field takes it: any characters but NUL (Django refuses those with a 400).
TEXT = {"type": "string", "pattern": "^[^\\x00]*$"}
MAX_ID = 2**63 - 1
CASE_NUMBER = re.compile(r"^[A-Za-z]+-\d+-\d{2}-\d{5}$")
TRUE_FALSE = [("true", "true"), ("false", "false")]
NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The task's number, e.g. T-3-26-00001")
PUBLIC_ERRORS = {
    400: FIELD_ERRORS,
    401: ERRORS[401],
    403: ERRORS[403],
    404: OpenApiResponse(api_s.ErrorSerializer, description="No such published document."),
}


class Pagination(BasePagination):
    """The shared pages of 50; an empty ``page`` (as from an HTML form) is the first page, and the contract says
    so."""

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_query_param:
                p["schema"] = {"anyOf": [p["schema"], {"type": "string", "maxLength": 0}]}
        return params


def _field_errors(exc: DjangoValidationError, rename: dict | None = None) -> ValidationError:
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        errors: dict[str, list[str]] = {}
        for key, errs in exc.error_dict.items():
            errors.setdefault(rename.get(key, key), []).extend(str(m) for e in errs for m in e.messages)
        return ValidationError(errors)
    return ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def _call(fn, rename: dict | None = None, **kwargs):
    """Run a service; its field errors answer 400 (renamed to the API's field names), PermissionDenied 403,
    CaseStateError 409 (nazorat.api.errors)."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise _field_errors(exc, rename) from None


def _input(request, serializer_class):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _files(request, name: str) -> list:
    return request.FILES.getlist(name) if hasattr(request, "FILES") else []


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 1 <= pk <= MAX_ID else None


def _top_assignments() -> Prefetch:
    """The top-level executors of each task in one query for the whole page."""
    return Prefetch("case__assignments", to_attr="top_assignments",
                    queryset=Assignment.objects.filter(parent__isnull=True).select_related("organisation")
                    .order_by("id"))


# --- tasks ----------------------------------------------------------------------------------------

class TaskFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", help_text="Number, document number, text; Latin or Cyrillic")
    status = filters.ChoiceFilter(choices=s.TASK_STATUS_CHOICES, method="filter_status")
    document = IdFilter(method="filter_document", min_value=1, max_value=MAX_ID, help_text="Id of the document")
    organisation = IdFilter(method="filter_organisation", min_value=1, max_value=MAX_ID,
                            help_text="Id of a body in the task's cascade")
    overdue = filters.ChoiceFilter(choices=TRUE_FALSE, method="filter_overdue")

    class Meta:
        model = Task
        fields = ["q", "status", "document", "organisation", "overdue"]

    def filter_q(self, queryset, name, value):
        if CASE_NUMBER.match(value.strip()):  # a task's number finds that task
            return queryset.filter(case__number__iexact=value.strip())
        return selectors.filter_tasks(queryset, q=value)

    def filter_status(self, queryset, name, value):
        return selectors.filter_tasks(queryset, status=value)

    def filter_document(self, queryset, name, value):
        return selectors.filter_tasks(queryset, document=value)

    def filter_organisation(self, queryset, name, value):
        return selectors.filter_tasks(queryset, organisation=value)

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.filter_tasks(queryset, overdue=True)
        return overdue if value == "true" else queryset.exclude(pk__in=overdue.values("pk"))


def task_detail_response(user, task: Task, code=status.HTTP_200_OK) -> Response:
    """The task with its cascade, rounds, reports, progress reports and extension requests (a fixed number of
    queries, whatever the size of the cascade)."""
    task.api_assignments = selectors.assignments_of(task)
    task.api_rounds = list(selectors.rounds_of(task))
    reports = list(selectors.reports_of(task))
    for report in reports:
        report.task = task
    task.api_reports = reports
    task.api_progress = list(selectors.progress_reports_of(task))
    task.api_extensions = list(task.case.extension_requests.order_by("requested_at", "id"))
    task.api_mine = [a.pk for a in selectors.my_assignments(user, task)]
    task.api_review_pending = selectors.pending_round_for(user, task) is not None
    return Response(s.TaskDetailSerializer(task).data, status=code)


def _task_action(request_serializer, summary, *, multipart=False, json=True):
    if multipart:
        body = {"multipart/form-data": request_serializer}
        if json:
            body["application/json"] = request_serializer
    else:
        body = request_serializer
    return extend_schema(request=body, responses={200: s.TaskDetailSerializer, **ERRORS}, summary=summary,
                         parameters=[NUMBER])


@extend_schema_view(
    list=extend_schema(summary="Tasks on control you may see", parameters=[
        OpenApiParameter("q", TEXT, description="Number, document number, text; Latin or Cyrillic"),
        OpenApiParameter("document", ID, description="Id of the document"),
        OpenApiParameter("organisation", ID, description="Id of a body in the task's cascade")]),
    retrieve=extend_schema(summary="One task: the cascade with its timed steps, review rounds, reports and "
                                   "extension requests", parameters=[NUMBER],
                           responses={200: s.TaskDetailSerializer, 404: api_s.ErrorSerializer}),
)
class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Items of control documents on control (kernel cases of kind "task"), by number. Deadlines are never
    edited here: only the controller's decision on an extension request moves them."""

    pagination_class = Pagination
    queryset = Task.objects.none()
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    filterset_class = TaskFilter
    serializer_class = s.TaskSerializer

    def get_queryset(self):
        return (selectors.tasks_visible_to(self.request.user).prefetch_related(_top_assignments())
                .order_by("-case__opened_at", "-case_id"))

    def _task(self, number) -> Task:
        task = selectors.task_for(self.request.user, number)
        if task is None:
            raise NotFound(_("No such task among those you may see."))
        return task

    def _detail(self, number, code=status.HTTP_200_OK) -> Response:
        return task_detail_response(self.request.user, self._task(number), code)

    def retrieve(self, request, number=None):
        return self._detail(number)

    def _assignment(self, task: Task, pk: int) -> Assignment:
        for a in selectors.assignments_of(task):
            if a.pk == pk:
                return a
        raise ValidationError({"assignment": [_("Choose an assignment of this task.")]})

    @_task_action(s.PutOnControlInputSerializer, "Put the task on control: name the lead and co-executors with "
                                                 "their deadlines (controller)")
    @action(detail=True, methods=["post"])
    def put_on_control(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.PutOnControlInputSerializer)
        executors = [{"organisation": e["organisation"], "role": e["role"], "due_at": e.get("due_on")}
                     for e in v["executors"]]
        _call(services.task_put_on_control, rename={"due_at": "executors", "organisation": "executors",
                                                     "role": "executors"},
              task=task, actor=request.user, executors=executors, instructions=v["instructions"])
        return self._detail(number)

    @_task_action(s.AddExecutorInputSerializer, "Name one more executor of a task on control — a co-executor, or a "
                                                "new lead after recalling the old one (controller)")
    @action(detail=True, methods=["post"])
    def add_executor(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.AddExecutorInputSerializer)
        _call(services.task_add_executor, rename={"due_at": "due_on"}, task=task, actor=request.user,
              organisation=v["organisation"], role=v["role"], due_at=v.get("due_on"), instructions=v["instructions"])
        return self._detail(number)

    @_task_action(s.RecallExecutorInputSerializer, "Recall an executor the controller named, with the reason "
                                                   "(controller)")
    @action(detail=True, methods=["post"])
    def recall_executor(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.RecallExecutorInputSerializer)
        assignment = self._assignment(task, v["assignment"])
        _call(services.task_recall_executor, assignment=assignment, actor=request.user, reason=v["reason"])
        return self._detail(number)

    @_task_action(s.PassOnInputSerializer, "Pass the task on to a body under the receiving one, with a deadline no "
                                           "later than its own")
    @action(detail=True, methods=["post"])
    def pass_on(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.PassOnInputSerializer)
        assignment = self._assignment(task, v["assignment"])
        _call(services.task_pass_on, rename={"due_at": "due_on"}, assignment=assignment, actor=request.user,
              organisation=v["organisation"], due_at=v.get("due_on"), role=v["role"],
              instructions=v["instructions"])
        return self._detail(number)

    @_task_action(s.AssignmentInputSerializer, "Register the received task and inform the head (step 1: 30 "
                                               "working minutes)")
    @action(detail=True, methods=["post"])
    def register(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.AssignmentInputSerializer)
        _call(services.assignment_register, assignment=self._assignment(task, v["assignment"]), actor=request.user)
        return self._detail(number)

    @_task_action(s.NameExecutorInputSerializer, "Name the responsible person and unit (step 2: 1 working day)")
    @action(detail=True, methods=["post"])
    def name_executor(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.NameExecutorInputSerializer)
        assignment = self._assignment(task, v["assignment"])
        unit = v.get("unit")
        if unit is not None and unit.organisation_id != assignment.organisation_id:
            raise ValidationError({"unit": [_("Choose a unit of the executing body.")]})
        _call(services.assignment_name_executor, assignment=assignment, actor=request.user, person=v["person"],
              unit=unit)
        return self._detail(number)

    @_task_action(s.ReportInputSerializer, "Write the execution report with supporting documents (it waits for "
                                           "the head's confirmation)", multipart=True, json=False)
    @action(detail=True, methods=["post"])
    def report(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.ReportInputSerializer)
        assignment = self._assignment(task, v["assignment"])
        _call(services.report_write, assignment=assignment, actor=request.user, text=v["text"],
              uploads=_files(request, "files"))
        return self._detail(number)

    @_task_action(s.TaskReviewInputSerializer, "Accept the report under review, or return it with objections "
                                               "(the reviewer of the chain's current link)")
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.TaskReviewInputSerializer)
        if v.get("round"):
            # Several reports may wait on the same reviewer (two districts at the region): name the round.
            rnd = selectors.rounds_of(task).filter(pk=v["round"]).first()
            if rnd is None:
                raise ValidationError({"round": [_("This task has no such review round.")]})
            if rnd.verdict != Verdict.PENDING:
                raise CaseStateError(_("This result has already been reviewed."))
        else:
            rnd = selectors.pending_round_for(request.user, task)
        if rnd is None:
            if selectors.rounds_of(task).filter(verdict=Verdict.PENDING).exists():
                raise PermissionDenied(_("The report under review waits on another reviewer."))
            raise CaseStateError(_("No report of this task is waiting for review."))
        _call(services.task_review, review_round=rnd, actor=request.user, accept=v["accept"], reasons=v["reasons"])
        return self._detail(number)

    @_task_action(s.TaskExtensionInputSerializer, "Ask the controller for a later deadline, with reasons (decided "
                                                  "at POST /api/v1/extension-requests/{id}/decide/)")
    @action(detail=True, methods=["post"])
    def request_extension(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.TaskExtensionInputSerializer)
        assignment = self._assignment(task, v["assignment"])
        _call(services.extension_request, rename={"requested_due_at": "requested_due_on"}, assignment=assignment,
              actor=request.user, requested_due_on=v["requested_due_on"], reasons=v["reasons"])
        return self._detail(number)

    @_task_action(s.TaskWithdrawInputSerializer, "Withdraw the task from control without execution (controller)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.TaskWithdrawInputSerializer)
        _call(services.task_withdraw, task=task, actor=request.user, reason=v["reason"])
        return self._detail(number)

    @_task_action(s.ProgressInputSerializer, "Enter a periodic progress report (the lead executor)",
                  multipart=True)
    @action(detail=True, methods=["post"])
    def progress(self, request, number=None):
        task = self._task(number)
        v = _input(request, s.ProgressInputSerializer)
        reports = selectors.progress_reports_of(task)
        if v.get("report"):
            report, field = reports.filter(pk=v["report"]).first(), "report"
        else:
            report, field = reports.filter(sequence=v["sequence"]).order_by("-id").first(), "sequence"
        if report is None:
            raise ValidationError({field: [_("This task has no such progress report.")]})
        _call(services.progress_submit, rename={"uploads": "files"}, report=report, actor=request.user,
              text=v["text"], uploads=_files(request, "files"))
        return self._detail(number)


# --- control documents ----------------------------------------------------------------------------

class ControlDocumentFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", help_text="Number, title, text; Latin or Cyrillic")
    kind = filters.ChoiceFilter(choices=DocumentKind.choices)
    public = filters.ChoiceFilter(choices=TRUE_FALSE, method="filter_public")

    class Meta:
        model = ControlDocument
        fields = ["q", "kind", "public"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_public(self, queryset, name, value):
        return queryset.filter(is_public=value == "true")


@extend_schema_view(
    list=extend_schema(summary="Control documents you may see", parameters=[
        OpenApiParameter("q", TEXT, description="Number, title, text; Latin or Cyrillic")]),
    retrieve=extend_schema(summary="A control document with the tasks of it you may see",
                           responses={200: s.ControlDocumentDetailSerializer, 404: api_s.ErrorSerializer}),
    create=extend_schema(summary="Register a legal act or instruction for control (controller)",
                         request={"application/json": s.ControlDocumentCreateSerializer,
                                  "multipart/form-data": s.ControlDocumentCreateSerializer},
                         responses={201: s.ControlDocumentDetailSerializer, **ERRORS}),
)
class ControlDocumentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Laws, decrees, resolutions, orders and protocol instructions taken on control (R-A1)."""

    pagination_class = Pagination
    queryset = ControlDocument.objects.none()
    lookup_value_regex = r"\d+"
    filterset_class = ControlDocumentFilter
    serializer_class = s.ControlDocumentSerializer

    def get_queryset(self):
        return (selectors.documents_visible_to(self.request.user).annotate(task_count=Count("tasks"))
                .order_by("-date", "-id"))

    def _document(self, pk) -> ControlDocument:
        pk = _pk(pk)
        document = self.get_queryset().filter(pk=pk).first() if pk else None
        if document is None:
            raise NotFound(_("No such document among those you may see."))
        return document

    def _detail(self, pk, code=status.HTTP_200_OK) -> Response:
        document = self._document(pk)
        tasks = list(selectors.tasks_visible_to(self.request.user).filter(document=document).order_by("case_id"))
        counts: dict[str, int] = {}
        for t in tasks:
            counts[t.case.status] = counts.get(t.case.status, 0) + 1
        document.api_tasks, document.api_status_counts = tasks, counts
        return Response(s.ControlDocumentDetailSerializer(document).data, status=code)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def create(self, request, *args, **kwargs):
        v = dict(_input(request, s.ControlDocumentCreateSerializer))
        upload = v.pop("file", None)
        document = _call(services.document_register, actor=request.user, data=v, upload=upload)
        return self._detail(document.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.PublishInputSerializer, responses={200: s.ControlDocumentDetailSerializer, **ERRORS},
                   summary="Publish the document with its tasks' execution status, or take it off the public "
                           "pages (controller)")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        document = self._document(pk)
        v = _input(request, s.PublishInputSerializer)
        _call(services.document_set_public, document=document, actor=request.user, public=v["public"])
        return self._detail(pk)

    @extend_schema(request=s.TaskAddInputSerializer, responses={201: s.TaskDetailSerializer, **ERRORS},
                   summary="Add an item of the document as a task: by a date, with no deadline, or periodic "
                           "(controller)")
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        document = self._document(pk)
        v = _input(request, s.TaskAddInputSerializer)
        task = _call(services.task_add, document=document, actor=request.user, data=v)
        return task_detail_response(request.user, selectors.task_for(request.user, task.case.number),
                                    status.HTTP_201_CREATED)


# --- execution reports ----------------------------------------------------------------------------

class ExecutionReportFilter(filters.FilterSet):
    task = filters.CharFilter(field_name="task__case__number", help_text="The task's number")
    state = filters.ChoiceFilter(choices=ReportState.choices)
    organisation = IdFilter(field_name="assignment__organisation_id", min_value=1, max_value=MAX_ID,
                            help_text="Id of the executing body")

    class Meta:
        model = ExecutionReport
        fields = ["task", "state", "organisation"]


def _report_action(request_serializer, summary):
    return extend_schema(request=request_serializer, responses={200: s.ExecutionReportSerializer, **ERRORS},
                         summary=summary)


@extend_schema_view(
    list=extend_schema(summary="Execution reports of the tasks you may see", parameters=[
        OpenApiParameter("task", TEXT, description="The task's number"),
        OpenApiParameter("organisation", ID, description="Id of the executing body")]),
    retrieve=extend_schema(summary="One execution report",
                           responses={200: s.ExecutionReportSerializer, 404: api_s.ErrorSerializer}),
)
class ExecutionReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What executing bodies did (R-A4); the head or first deputy confirms a report before it goes up."""

    pagination_class = Pagination
    queryset = ExecutionReport.objects.none()
    lookup_value_regex = r"\d+"
    filterset_class = ExecutionReportFilter
    serializer_class = s.ExecutionReportSerializer

    def get_queryset(self):
        visible = selectors.tasks_visible_to(self.request.user).values("pk")
        return (ExecutionReport.objects.filter(task__in=visible)
                .select_related("task__case", "assignment__organisation").prefetch_related("attachments")
                .order_by("-written_at", "-id"))

    def _report(self, pk) -> ExecutionReport:
        pk = _pk(pk)
        report = self.get_queryset().filter(pk=pk).first() if pk else None
        if report is None:
            raise NotFound(_("No such report among those you may see."))
        return report

    def retrieve(self, request, pk=None):
        return Response(s.ExecutionReportSerializer(self._report(pk)).data)

    @_report_action(s.ReportNoteInputSerializer, "Confirm the report and send it up (the head or first deputy)")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        report = self._report(pk)
        v = _input(request, s.ReportNoteInputSerializer)
        _call(services.report_confirm, report=report, actor=request.user, note=v["note"])
        return Response(s.ExecutionReportSerializer(self._report(pk)).data)

    @_report_action(s.ReportNoteInputSerializer, "Send the report back to the executor with a note (the head or "
                                                 "first deputy)")
    @action(detail=True, methods=["post"])
    def send_back(self, request, pk=None):
        report = self._report(pk)
        v = _input(request, s.ReportNoteInputSerializer)
        _call(services.report_send_back, report=report, actor=request.user, note=v["note"])
        return Response(s.ExecutionReportSerializer(self._report(pk)).data)


# --- control plans --------------------------------------------------------------------------------

class ControlPlanFilter(filters.FilterSet):
    document = IdFilter(field_name="document_id", min_value=1, max_value=MAX_ID, help_text="Id of the document")
    organisation = IdFilter(field_name="organisation_id", min_value=1, max_value=MAX_ID,
                            help_text="Id of the body")
    state = filters.ChoiceFilter(choices=PlanState.choices)

    class Meta:
        model = ControlPlan
        fields = ["document", "organisation", "state"]


@extend_schema_view(
    list=extend_schema(summary="Control plans of the documents you may see", parameters=[
        OpenApiParameter("document", ID, description="Id of the document"),
        OpenApiParameter("organisation", ID, description="Id of the body")]),
    retrieve=extend_schema(summary="One control plan with its rows",
                           responses={200: s.ControlPlanSerializer, 404: api_s.ErrorSerializer}),
    create=extend_schema(summary="Prepare a body's control plan for a document, or rework the draft (its rows "
                                 "are replaced)",
                         request=s.PlanSaveInputSerializer,
                         responses={201: s.ControlPlanSerializer,
                                    200: OpenApiResponse(s.ControlPlanSerializer, description="The draft reworked."),
                                    **ERRORS}),
)
class ControlPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """Control plans (R-A3): rows of task, mechanism of implementation, deadline and responsible executors,
    approved by the head (or the first deputy)."""

    pagination_class = Pagination
    queryset = ControlPlan.objects.none()
    lookup_value_regex = r"\d+"
    filterset_class = ControlPlanFilter
    serializer_class = s.ControlPlanSerializer

    def get_queryset(self):
        return (selectors.plans_visible_to(self.request.user)
                .prefetch_related(Prefetch("rows", queryset=ControlPlanRow.objects.select_related("task__case")))
                .order_by("-created_at", "-id"))

    def _plan(self, pk) -> ControlPlan:
        pk = _pk(pk)
        plan = self.get_queryset().filter(pk=pk).first() if pk else None
        if plan is None:
            raise NotFound(_("No such control plan among those you may see."))
        return plan

    def retrieve(self, request, pk=None):
        return Response(s.ControlPlanSerializer(self._plan(pk)).data)

    def create(self, request, *args, **kwargs):
        v = _input(request, s.PlanSaveInputSerializer)
        document = selectors.document_for(request.user, v["document"])
        if document is None:
            raise ValidationError({"document": [_("Choose a document from the list.")]})
        existed = selectors.plans_visible_to(request.user).filter(document=document,
                                                                  organisation=v["organisation"]).exists()
        plan = _call(services.plan_save, document=document, organisation=v["organisation"], actor=request.user,
                     rows=[dict(r) for r in v["rows"]])
        return Response(s.ControlPlanSerializer(self._plan(plan.pk)).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ControlPlanSerializer, **ERRORS},
                   summary="Approve the control plan (the head or first deputy); step 3 of the body's tasks is done")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self._plan(pk)
        _call(services.plan_approve, plan=plan, actor=request.user)
        return Response(s.ControlPlanSerializer(self._plan(pk)).data)


# --- public control -------------------------------------------------------------------------------

class PublicDocumentFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", help_text="Number, title, text; Latin or Cyrillic")
    kind = filters.ChoiceFilter(choices=DocumentKind.choices)

    class Meta:
        model = ControlDocument
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value)


@extend_schema_view(
    list=extend_schema(summary="Published documents with their task and comment counts (no login)", auth=[],
                       parameters=[OpenApiParameter("q", TEXT, description="Number, title, text; Latin or Cyrillic")]),
    retrieve=extend_schema(summary="A published document with its tasks' execution status (no login)", auth=[],
                           responses={200: s.PublicControlDocumentDetailSerializer, 404: PUBLIC_ERRORS[404]}),
)
class PublicControlDocumentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public control (R-A11): documents marked public, their tasks' status and citizens' moderated comments.
    Nothing internal: statuses, dates and the names of bodies only."""

    pagination_class = Pagination
    queryset = ControlDocument.objects.none()
    lookup_value_regex = r"\d+"
    filterset_class = PublicDocumentFilter
    serializer_class = s.PublicControlDocumentSerializer

    def get_permissions(self):
        if self.action == "comments" and self.request.method == "POST":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_queryset(self):
        return selectors.public_documents()

    def _document(self, pk) -> ControlDocument:
        pk = _pk(pk)
        document = selectors.public_documents().filter(pk=pk).first() if pk else None
        if document is None:
            raise NotFound(_("No such published document."))
        return document

    def retrieve(self, request, pk=None):
        document = self._document(pk)
        document.api_tasks = list(Task.objects.filter(document=document).select_related("case")
                                  .prefetch_related(_top_assignments()).order_by("case_id"))
        return Response(s.PublicControlDocumentDetailSerializer(document).data)

    @extend_schema(methods=["GET"], summary="Published comments on the document, newest first (no login)", auth=[],
                   filters=False, request=None, responses={200: s.PublicCommentSerializer(many=True),
                                                           404: PUBLIC_ERRORS[404]})
    @extend_schema(methods=["POST"], summary="Comment on a published document and give your opinion (signed-in "
                                             "citizen; shown after moderation)",
                   request=s.CommentInputSerializer, responses={201: s.PublicCommentCreatedSerializer,
                                                                **PUBLIC_ERRORS})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        document = self._document(pk)
        if request.method == "GET":
            comments = selectors.published_comments(document).select_related("task__case").order_by(
                "-created_at", "-id")
            page = self.paginate_queryset(comments)
            return self.get_paginated_response(s.PublicCommentSerializer(page, many=True).data)
        v = _input(request, s.CommentInputSerializer)
        task = None
        if v["task"]:
            task = Task.objects.filter(document=document, case__number=v["task"]).first()
            if task is None:
                raise ValidationError({"task": [_("The task is not an item of this document.")]})
        comment = _call(services.comment_add, document=document, actor=request.user, opinion=v["opinion"],
                        text=v["text"], task=task)
        return Response(s.PublicCommentCreatedSerializer(comment).data, status=status.HTTP_201_CREATED)


class PublicCommentFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ModerationState.choices)
    document = IdFilter(field_name="document_id", min_value=1, max_value=MAX_ID, help_text="Id of the document")

    class Meta:
        model = PublicComment
        fields = ["state", "document"]


@extend_schema_view(list=extend_schema(summary="Citizens' comments on the documents you may see (for moderation)",
                                       parameters=[OpenApiParameter("document", ID,
                                                                    description="Id of the document")]))
class PublicCommentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Comments awaiting moderation and moderated ones, for the controlling body's staff."""

    pagination_class = Pagination
    queryset = PublicComment.objects.none()
    lookup_value_regex = r"\d+"
    filterset_class = PublicCommentFilter
    serializer_class = s.PublicCommentStaffSerializer

    def get_queryset(self):
        return selectors.comments_for_moderation(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.ModerateInputSerializer, responses={200: s.PublicCommentStaffSerializer, **ERRORS},
                   summary="Publish a comment, or reject it with the reason (the controlling body's staff)")
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        pk = _pk(pk)
        comment = self.get_queryset().filter(pk=pk).first() if pk else None
        if comment is None:
            raise NotFound(_("No such comment among those you may see."))
        v = _input(request, s.ModerateInputSerializer)
        _call(services.comment_moderate, comment=comment, actor=request.user, publish=v["publish"],
              reason=v["reason"])
        return Response(s.PublicCommentStaffSerializer(self.get_queryset().get(pk=pk)).data)
