"""The appeals API (R-B1…R-B14): submission (no login), the scoped register, tracking by number and code,
and the transitions as POST /api/v1/appeals/<number>/<action>/. Reads go through ``appeals.selectors``,
writes through ``appeals.services``; errors follow nazorat/api (400 per field, 403, 404, 409)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from nazorat.api import serializers as api_s
from nazorat.api.views import ERRORS, FIELD_ERRORS, IdFilter
from nazorat.cases.models import Assignment
from nazorat.cases.selectors import sees_internals
from nazorat.orgs.selectors import StaffScope

from .. import selectors, services
from ..models import Appeal, AppealForm, AppealKind
from . import serializers as s

PUBLIC_ERRORS = {
    400: FIELD_ERRORS,
    404: OpenApiResponse(api_s.ErrorSerializer, description="No appeal with this number and code."),
    409: OpenApiResponse(api_s.ErrorSerializer, description="Not allowed in the appeal's current state."),
    429: OpenApiResponse(api_s.ErrorSerializer, description="Too many requests; try again later."),
}


class AppealSubmitThrottle(SimpleRateThrottle):
    """Anonymous writes (submissions, withdrawals, ratings) per address, and per account for signed-in
    citizens; staff are not limited here. Rate "appeal_submit" in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES."""

    scope = "appeal_submit"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        user = request.user
        if getattr(user, "is_authenticated", False):
            if StaffScope.for_user(user).is_staff_member:
                return None
            ident = f"user-{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _field_errors(exc: DjangoValidationError, rename: dict | None = None) -> ValidationError:
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        return ValidationError({rename.get(k, k): [str(m) for e in v for m in e.messages]
                                for k, v in exc.error_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


class AppealFilter(filters.FilterSet):
    status = filters.ChoiceFilter(field_name="case__status", choices=s.STATUS_CHOICES)
    kind = filters.ChoiceFilter(choices=AppealKind.choices)
    form = filters.ChoiceFilter(choices=AppealForm.choices)
    territory = filters.CharFilter(method="filter_territory", help_text="SOATO code; includes territories under it")
    addressee = IdFilter(field_name="addressee_id", min_value=1, max_value=2**63 - 1, help_text="Id of the body")
    overdue = filters.ChoiceFilter(choices=[("true", "true"), ("false", "false")], method="filter_overdue")
    q = filters.CharFilter(method="filter_q", help_text="Number, text; the author's name where you may see it")

    class Meta:
        model = Appeal
        fields = ["status", "kind", "form", "territory", "addressee", "overdue", "q"]

    def filter_territory(self, queryset, name, value):
        return queryset.filter(territory__code__startswith=value)

    def filter_overdue(self, queryset, name, value):
        overdue = dict(case__closed_at__isnull=True, case__due_at__isnull=False, case__due_at__lt=timezone.now())
        return queryset.filter(**overdue) if value == "true" else queryset.exclude(**overdue)

    def filter_q(self, queryset, name, value):
        return selectors.search_appeals(queryset, value)


NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="Registration number, e.g. M-12-26-00001")


def _transition(request_serializer, summary, response=None):
    return extend_schema(request=request_serializer, responses={200: response or s.AppealDetailSerializer, **ERRORS},
                         summary=summary, parameters=[NUMBER])


def _created(appeal) -> Response:
    """201 for a newly registered appeal: the number, the tracking code (shown once) and the term."""
    case = appeal.case
    return Response(s.AppealCreatedSerializer({
        "number": case.number, "tracking_code": appeal.tracking_code, "status": case.status,
        "status_display": case.get_status_display(), "kind": appeal.kind, "received_at": appeal.received_at,
        "registered_on": appeal.registered_on, "due_date": s.due_date_of(appeal),
    }).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="The register of appeals you may see", parameters=[OpenApiParameter(
        "addressee", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, description="Id of the body")]),
    retrieve=extend_schema(summary="One appeal (staff: everything you may see; the author: the public record)",
                           parameters=[NUMBER], responses={200: s.AppealDetailSerializer, 404: api_s.ErrorSerializer}),
    create=extend_schema(
        summary="Submit an appeal (no login needed)", auth=[],
        request={"application/json": s.AppealSubmitSerializer, "multipart/form-data": s.AppealSubmitSerializer},
        responses={201: s.AppealCreatedSerializer, 400: FIELD_ERRORS,
                   429: OpenApiResponse(api_s.ErrorSerializer, description="Too many submissions; try later.")}),
)
class AppealViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Appeals of individuals and legal entities (law ZRU-445)."""

    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    filterset_class = AppealFilter
    serializer_class = s.AppealSerializer
    public_actions = {"create", "track", "withdraw", "rate"}

    def get_permissions(self):
        if self.action in self.public_actions or self.action is None:  # None: a method not allowed here (405)
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action in {"create", "withdraw", "rate"} and self.request.method == "POST":
            throttles.append(AppealSubmitThrottle())
        return throttles

    def get_queryset(self):
        return selectors.appeals_visible_to(self.request.user).order_by("-received_at", "-case_id")

    def _appeal(self, number) -> Appeal:
        appeal = (selectors.appeals_visible_to(self.request.user).filter(case__number=number)
                  .prefetch_related("signatories", "case__attachments",
                                    Prefetch("case__assignments", queryset=Assignment.objects.select_related(
                                        "organisation").prefetch_related("steps")),
                                    "case__review_rounds", "case__extension_requests").first())
        if appeal is None:
            raise NotFound(_("No such appeal among those you may see."))
        return appeal

    def _detail(self, number, code=status.HTTP_200_OK):
        return Response(s.AppealDetailSerializer(self._appeal(number), context={"request": self.request}).data,
                        status=code)

    def retrieve(self, request, number=None):
        appeal = self._appeal(number)
        if not sees_internals(request.user, appeal.case):
            return Response(s.PublicAppealSerializer(selectors.public_view(appeal, show_author=True)).data)
        return Response(s.AppealDetailSerializer(appeal, context={"request": request}).data)

    def create(self, request):
        data = request.data
        if not hasattr(data, "get"):
            raise ValidationError({"non_field_errors": [_("Send the appeal as an object of fields.")]})
        files = request.FILES.getlist("attachments") if hasattr(request, "FILES") else []
        try:
            appeal = services.appeal_submit(data=data, attachments=files, actor=request.user)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return _created(appeal)

    @extend_schema(summary="Register a written or oral appeal with the moment it was received (working group)",
                   request=s.PaperRegisterSerializer, responses={201: s.AppealCreatedSerializer, **ERRORS})
    @action(detail=False, methods=["post"], url_path="register-paper")
    def register_paper(self, request):
        data = s.PaperRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = {k: v for k, v in request.data.items() if k not in ("received_at", "form")}
        files = request.FILES.getlist("attachments") if hasattr(request, "FILES") else []
        try:
            appeal = services.appeal_register_paper(actor=request.user, data=payload, attachments=files,
                                                    received_at=data.validated_data["received_at"],
                                                    form=data.validated_data["form"])
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return _created(appeal)

    @extend_schema(summary="Follow an appeal by its number and tracking code (no login needed)", auth=[],
                   parameters=[s.TrackQuerySerializer],
                   responses={200: s.PublicAppealSerializer, **{k: v for k, v in PUBLIC_ERRORS.items() if k != 409}})
    @action(detail=False, methods=["get"])
    def track(self, request):
        query = s.TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        appeal = selectors.appeal_by_tracking(query.validated_data["number"], query.validated_data["code"])
        if appeal is None:
            raise NotFound(_("No appeal with this number and code."))
        return Response(s.PublicAppealSerializer(selectors.public_view(appeal, show_author=True)).data)

    # --- staff transitions -------------------------------------------------------------------------

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def _call(self, fn, rename=None, **kwargs):
        try:
            return fn(**kwargs)
        except DjangoValidationError as exc:
            raise _field_errors(exc, rename) from None

    @_transition(None, "Accept the appeal for execution (“Ijro uchun qabul qilindi”)")
    @action(detail=True, methods=["post"])
    def accept(self, request, number=None):
        self._call(services.appeal_accept, appeal=self._appeal(number), actor=request.user)
        return self._detail(number)

    @_transition(s.AssignInputSerializer, "Send the appeal to an executing body (lead or co-executor)")
    @action(detail=True, methods=["post"])
    def assign(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.AssignInputSerializer)
        self._call(services.appeal_assign, appeal=appeal, actor=request.user, organisation=v["organisation"],
                   role=v["role"], due_at=v.get("due_at"), instructions=v["instructions"])
        return self._detail(number)

    @_transition(s.ForwardInputSerializer, "Forward to the competent body (within 5 days, Art 25)")
    @action(detail=True, methods=["post"])
    def forward(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.ForwardInputSerializer)
        self._call(services.appeal_forward, appeal=appeal, actor=request.user, to=v["to"], reason=v["reason"])
        return self._detail(number)

    @_transition(s.ReturnInputSerializer, "Return to the author with reasons (within 5 days, Art 25)")
    @action(detail=True, methods=["post"], url_path="return-to-author")
    def return_to_author(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.ReturnInputSerializer)
        self._call(services.appeal_return_to_author, appeal=appeal, actor=request.user, reasons=v["reasons"])
        return self._detail(number)

    @_transition(s.ExtendInputSerializer, "Extend the term: the head, once, by at most one month (Art 28)")
    @action(detail=True, methods=["post"])
    def extend(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.ExtendInputSerializer)
        self._call(services.appeal_extend, appeal=appeal, actor=request.user, new_due=v["new_due"],
                   reasons=v["reasons"])
        return self._detail(number)

    @_transition(None, "Mark as needing extra study (Art 28)")
    @action(detail=True, methods=["post"], url_path="extra-study")
    def extra_study(self, request, number=None):
        self._call(services.appeal_mark_extra_study, appeal=self._appeal(number), actor=request.user)
        return self._detail(number)

    @extend_schema(request={"multipart/form-data": s.AnswerInputSerializer},
                   responses={200: s.AppealDetailSerializer, **ERRORS},
                   summary="Upload the answer: one PDF, signed by an entitled head (R-B5, R-B6)")
    @action(detail=True, methods=["post"])
    def answer(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.AnswerInputSerializer)
        self._call(services.appeal_answer, rename={"upload": "file"}, appeal=appeal, actor=request.user,
                   upload=v["file"], answer_number=v["answer_number"], sent_on=v["sent_on"], signer=v["signer"],
                   executor=v["executor"], outcome=v["outcome"])
        return self._detail(number)

    @_transition(s.ReviewInputSerializer, "The working group accepts the answer or returns it with reasons")
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.ReviewInputSerializer)
        self._call(services.appeal_review, appeal=appeal, actor=request.user, accept=v["accept"],
                   reasons=v["reasons"])
        return self._detail(number)

    @_transition(s.LeaveUnconsideredInputSerializer, "Leave without consideration with a conclusion (Art 29)")
    @action(detail=True, methods=["post"], url_path="leave-unconsidered")
    def leave_unconsidered(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.LeaveUnconsideredInputSerializer)
        self._call(services.appeal_leave_unconsidered, appeal=appeal, actor=request.user,
                   conclusion=v["conclusion"], ground=v["ground"])
        return self._detail(number)

    @_transition(s.TerminateInputSerializer, "Terminate the consideration (Art 30)")
    @action(detail=True, methods=["post"])
    def terminate(self, request, number=None):
        appeal = self._appeal(number)
        v = self._input(s.TerminateInputSerializer)
        self._call(services.appeal_terminate, appeal=appeal, actor=request.user, ground=v["ground"], note=v["note"])
        return self._detail(number)

    # --- the author's actions ------------------------------------------------------------------------

    def _authored(self, number, code) -> Appeal:
        appeal = selectors.appeal_by_tracking(number, code) if code else None
        user = self.request.user
        if appeal is None and getattr(user, "is_authenticated", False):
            appeal = Appeal.objects.select_related("case").filter(case__number=number, case__applicant=user).first()
        if appeal is None:
            raise NotFound(_("No appeal with this number and code."))
        return appeal

    @extend_schema(request=s.WithdrawInputSerializer, parameters=[NUMBER], auth=[],
                   responses={200: s.PublicAppealSerializer, **PUBLIC_ERRORS},
                   summary="The author withdraws the appeal before a decision (Art 32)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, number=None):
        v = self._input(s.WithdrawInputSerializer)
        appeal = self._authored(number, v["code"])
        appeal = self._call(services.appeal_withdraw, appeal=appeal, tracking_code=v["code"] or None,
                            actor=request.user)
        return Response(s.PublicAppealSerializer(selectors.public_view(appeal, show_author=True)).data)

    @extend_schema(request=s.RateInputSerializer, parameters=[NUMBER], auth=[],
                   responses={200: s.PublicAppealSerializer, **PUBLIC_ERRORS},
                   summary="The author rates the answer, once (1 to 5)")
    @action(detail=True, methods=["post"])
    def rate(self, request, number=None):
        v = self._input(s.RateInputSerializer)
        appeal = self._authored(number, v["code"])
        appeal = self._call(services.appeal_rate, appeal=appeal, tracking_code=v["code"] or None,
                            actor=request.user, rating=v["rating"], comment=v["comment"])
        return Response(s.PublicAppealSerializer(selectors.public_view(appeal, show_author=True)).data)
