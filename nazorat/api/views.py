"""The shared API: token auth, reference data (territories, organisations), the case kernel and the
inbox. Reads go through selectors scoped to the user; writes call services. Transitions are
POST /api/v1/<collection>/<id>/<action>/."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from nazorat.cases import selectors as case_selectors
from nazorat.cases import services as case_services
from nazorat.cases.kinds import registry
from nazorat.cases.models import Assignment, AssignmentStep, Case, ExtensionRequest, ReviewRound
from nazorat.core import events
from nazorat.core.search import search
from nazorat.orgs.models import OrgKind, OrgLevel, Organisation, Sector
from nazorat.orgs.selectors import memberships_of, organisations_visible_to
from nazorat.territories.models import Level, Territory

from . import serializers as s

FIELD_ERRORS = OpenApiResponse(
    response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="Invalid input: a list of messages per field (non_field_errors for the request as a whole). "
                "Nothing was changed.")
ERRORS = {
    400: FIELD_ERRORS,
    401: OpenApiResponse(s.ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(s.ErrorSerializer, description="Authenticated, but not allowed to do this."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such object among those you may see."),
    409: OpenApiResponse(s.ErrorSerializer, description="Not allowed in the object's current state."),
}


def transition_schema(request=None, response=None, summary=""):
    return extend_schema(request=request, responses={200: response, **ERRORS}, summary=summary)


# --- auth --------------------------------------------------------------------------------------

class TokenThrottle(ScopedRateThrottle):
    """Password guessing through the API is limited per client (rate "token" in settings)."""

    def get_cache_key(self, request, view):
        self.scope = "token"
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        self.scope = "token"
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)


@extend_schema(request=s.TokenRequestSerializer,
               responses={200: s.TokenResponseSerializer, 400: FIELD_ERRORS,
                          401: OpenApiResponse(s.ErrorSerializer, description="Wrong login or password."),
                          429: OpenApiResponse(s.ErrorSerializer, description="Too many attempts; wait.")},
               summary="Obtain an API token", auth=[])
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes([TokenThrottle])
def obtain_token(request):
    """Exchange a login (username, e-mail or phone) and password — plus the one-time code for accounts
    with a second factor — for a token. Send it as ``Authorization: Token <token>``."""
    from nazorat.accounts import lockout
    from nazorat.core.middleware import client_ip

    data = s.TokenRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    identifier, ip = data.validated_data["username"], client_ip(request)
    wait = lockout.seconds_locked(identifier, ip)
    if wait:
        return Response({"detail": _("Too many failed attempts. Try again in %(minutes)s minutes.") % {
            "minutes": lockout.minutes(wait)}}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    user = authenticate(request, username=identifier, password=data.validated_data["password"])
    if user is None:
        lockout.register_failure(identifier, ip)
        raise AuthenticationFailed(_("Wrong login or password."))
    lockout.reset(identifier, ip)
    from django_otp import devices_for_user
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)]
    from nazorat.accounts.middleware import second_factor_required

    if devices or second_factor_required(user):
        code = (data.validated_data.get("otp_token") or "").strip()
        if not devices or not code or not any(d.verify_token(code) for d in devices):
            return Response({"otp_token": [_("Enter the valid one-time code from your authenticator app.")]},
                            status=status.HTTP_400_BAD_REQUEST)
    token, _created = Token.objects.get_or_create(user=user)
    events.record(action="auth.token_issued", actor=user, obj=user, payload={"created": _created})
    return Response({"token": token.key})


@extend_schema(responses={200: s.MeSerializer}, summary="The authenticated user and their memberships")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    user = request.user
    return Response(s.MeSerializer({"id": user.pk, "username": user.username, "display_name": user.display_name,
                                    "kind": user.kind, "preferred_language": user.preferred_language,
                                    "memberships": list(memberships_of(user))}).data)


# --- reference data ----------------------------------------------------------------------------

class TerritoryFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Level.choices)
    parent = filters.CharFilter(field_name="parent_id", help_text="SOATO code of the parent territory")
    q = filters.CharFilter(method="filter_q", help_text="Search by name, Latin or Cyrillic")

    class Meta:
        model = Territory
        fields = ["level", "parent", "q"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value)


@extend_schema_view(list=extend_schema(summary="Territories (regions, districts and cities, mahallas)"),
                    retrieve=extend_schema(summary="One territory by SOATO code", responses={200: s.TerritorySerializer, 404: s.ErrorSerializer}))
class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The territory tree, public reference data keyed by SOATO code."""

    serializer_class = s.TerritorySerializer
    permission_classes = [AllowAny]
    filterset_class = TerritoryFilter
    lookup_field = "code"
    queryset = Territory.objects.filter(is_active=True).order_by("code")


class IdFilter(filters.NumberFilter):
    """An object id: a whole number (a decimal like 1e308 is a 400, not an overflow)."""

    field_class = forms.IntegerField


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrgKind.choices)
    level = filters.ChoiceFilter(choices=OrgLevel.choices)
    sector = filters.ChoiceFilter(choices=Sector.choices)
    territory = filters.CharFilter(method="filter_territory", help_text="SOATO code; includes bodies of territories under it")
    parent = IdFilter(field_name="parent_id", min_value=1, max_value=2**63 - 1, help_text="Id of the higher body")
    q = filters.CharFilter(method="filter_q", help_text="Search by name, Latin or Cyrillic")

    class Meta:
        model = Organisation
        fields = ["kind", "level", "sector", "territory", "parent", "q"]

    def filter_territory(self, queryset, name, value):
        return queryset.filter(territory__code__startswith=value)

    def filter_q(self, queryset, name, value):
        return search(queryset, value)


@extend_schema_view(list=extend_schema(summary="Government bodies", parameters=[OpenApiParameter(
                        "parent", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                        description="Id of the higher body")]),
                    retrieve=extend_schema(summary="One government body", responses={200: s.OrganisationSerializer, 404: s.ErrorSerializer}))
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory of bodies (public: the appeal form and outside clients pick addressees from it)."""

    serializer_class = s.OrganisationSerializer
    permission_classes = [AllowAny]
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return organisations_visible_to(self.request.user).order_by("path")


# --- the case kernel ---------------------------------------------------------------------------

class CaseFilter(filters.FilterSet):
    kind = filters.CharFilter()
    status = filters.CharFilter()
    overdue = filters.ChoiceFilter(choices=[("true", "true"), ("false", "false")], method="filter_overdue")
    q = filters.CharFilter(method="filter_q")

    class Meta:
        model = Case
        fields = ["kind", "status", "overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value == "true" else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_q(self, queryset, name, value):
        return search(queryset, value)


@extend_schema_view(
    list=extend_schema(summary="Cases the user may see (all modules)"),
    retrieve=extend_schema(summary="A case with its assignments, review rounds and extension requests",
                           responses={200: s.CaseDetailSerializer, 404: s.ErrorSerializer}),
    create=extend_schema(summary="Open an official letter (the kernel's own case type)",
                         request=s.LetterCreateSerializer, responses={201: s.CaseDetailSerializer, **ERRORS}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    filterset_class = CaseFilter

    def get_queryset(self):
        qs = case_selectors.cases_visible_to(self.request.user).order_by("-opened_at", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("organisation")
                         .prefetch_related("steps")),
                "review_rounds", "extension_requests")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CaseDetailSerializer
        if self.action == "create":
            return s.LetterCreateSerializer
        return s.CaseSerializer

    def _case(self, pk) -> Case:
        return get_object_or_404(case_selectors.cases_visible_to(self.request.user), pk=pk)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        if not case_selectors.sees_internals(request.user, case):
            return Response(s.CaseSerializer(case).data)  # an applicant sees the public record only
        return Response(s.CaseDetailSerializer(case).data)

    def _detail(self, case, code=status.HTTP_200_OK):
        self.action = "retrieve"
        case = self.get_queryset().get(pk=case.pk)
        return Response(s.CaseDetailSerializer(case).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.LetterCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case = case_services.case_open(
            kind="letter", actor=request.user, owner=v["owner"], title=v["title"], summary=v["summary"],
            territory=v.get("territory") or v["owner"].territory, deadline_rule=v.get("deadline_rule"),
            due_at=v.get("due_at"), language=request.LANGUAGE_CODE,
        )
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.EventSerializer(many=True), 404: s.ErrorSerializer}, summary="The case's timeline")
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        case = self._case(pk)
        return Response(s.EventSerializer(case_selectors.timeline(request.user, case), many=True).data)

    @transition_schema(s.AssignSerializer, s.CaseDetailSerializer, "Assign the case to an executing body")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        case = self._case(pk)
        case_services.ensure_generic_workflow(case)
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case_services.assignment_create(case=case, actor=request.user, organisation=v["organisation"], role=v["role"],
                                        due_at=v.get("due_at"), deadline_rule=v.get("deadline_rule"),
                                        instructions=v["instructions"])
        return self._detail(case)

    @transition_schema(s.ExtensionRequestInputSerializer, s.CaseDetailSerializer, "Ask for a deadline extension")
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        case = self._case(pk)
        data = s.ExtensionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment = get_object_or_404(case.assignments, pk=v["assignment"]) if v.get("assignment") else None
        case_services.extension_request(case=case, actor=request.user, requested_due_at=v["requested_due_at"],
                                        reasons=v["reasons"], assignment=assignment)
        return self._detail(case)

    @transition_schema(s.SubmitResultSerializer, s.CaseDetailSerializer, "Submit the result for review")
    @action(detail=True, methods=["post"], url_path="submit-result")
    def submit_result(self, request, pk=None):
        case = self._case(pk)
        case_services.ensure_generic_workflow(case)
        data = s.SubmitResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment = get_object_or_404(case.assignments, pk=v["assignment"]) if v.get("assignment") else None
        case_services.result_submit(case=case, actor=request.user, text=v["text"], assignment=assignment)
        return self._detail(case)

    def _transition(self, request, pk, name):
        case = self._case(pk)
        case_services.ensure_generic_workflow(case)
        case_services.case_transition(case=case, action=name, actor=request.user)
        return self._detail(case)

    @transition_schema(s.EmptySerializer, s.CaseDetailSerializer, "Start work on the case")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, pk, "start")

    @transition_schema(s.EmptySerializer, s.CaseDetailSerializer, "Cancel the case (its history is kept)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, pk, "cancel")


def _assignment_for(user, pk) -> Assignment:
    visible = case_selectors.cases_visible_to(user)
    return get_object_or_404(Assignment.objects.select_related("case", "organisation", "parent"),
                             pk=pk, case__in=visible)


class AssignmentViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = Assignment.objects.none()
    serializer_class = s.AssignmentSerializer

    @transition_schema(s.EmptySerializer, s.AssignmentSerializer, "Accept the assignment for execution")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        a = _assignment_for(request.user, pk)
        case_services.ensure_generic_workflow(a.case)
        a = case_services.assignment_accept(assignment=a, actor=request.user)
        return Response(s.AssignmentSerializer(a).data)

    @transition_schema(s.StepCompleteSerializer, s.AssignmentSerializer, "Record a timed step as done")
    @action(detail=True, methods=["post"], url_path="complete-step")
    def complete_step(self, request, pk=None):
        a = _assignment_for(request.user, pk)
        case_services.ensure_generic_workflow(a.case)
        data = s.StepCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case_services.step_complete(assignment=a, code=data.validated_data["step"], actor=request.user)
        return Response(s.AssignmentSerializer(Assignment.objects.get(pk=a.pk)).data)

    @transition_schema(s.AssignSerializer, s.AssignmentSerializer, "Pass the assignment on to a subordinate body")
    @action(detail=True, methods=["post"], url_path="pass-on")
    def pass_on(self, request, pk=None):
        parent = _assignment_for(request.user, pk)
        case_services.ensure_generic_workflow(parent.case)
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        child = case_services.assignment_create(case=parent.case, actor=request.user, organisation=v["organisation"],
                                                role=v["role"], due_at=v.get("due_at"),
                                                deadline_rule=v.get("deadline_rule"), parent=parent,
                                                instructions=v["instructions"])
        return Response(s.AssignmentSerializer(child).data)


class ExtensionRequestViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = ExtensionRequest.objects.none()
    serializer_class = s.ExtensionRequestSerializer

    @transition_schema(s.ExtensionDecisionSerializer, s.ExtensionRequestSerializer, "Grant or refuse an extension")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        req = get_object_or_404(ExtensionRequest.objects.select_related("case", "assignment"), pk=pk,
                                case__in=case_selectors.cases_visible_to(request.user))
        data = s.ExtensionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        req = case_services.extension_decide(request=req, actor=request.user, grant=v["grant"], note=v["note"],
                                             granted_due_at=v.get("granted_due_at"))
        return Response(s.ExtensionRequestSerializer(req).data)


class ReviewRoundViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = ReviewRound.objects.none()
    serializer_class = s.ReviewRoundSerializer

    @transition_schema(s.ReviewDecisionSerializer, s.ReviewRoundSerializer, "Accept a result or return it with reasons")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        rnd = get_object_or_404(ReviewRound.objects.select_related("case"), pk=pk,
                                case__in=case_selectors.cases_visible_to(request.user))
        case_services.ensure_generic_workflow(rnd.case)
        data = s.ReviewDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rnd = case_services.review_decide(review_round=rnd, actor=request.user, accept=v["accept"],
                                          reasons=v["reasons"])
        return Response(s.ReviewRoundSerializer(rnd).data)


@extend_schema(summary="What waits on me, ordered by time left")
class InboxView(generics.ListAPIView):
    serializer_class = s.WorkItemSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return case_selectors.inbox_for(self.request.user)


@extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="API root", auth=[])
@api_view(["GET"])
@permission_classes([AllowAny])
def root(request):
    from django.urls import reverse

    base = request.build_absolute_uri
    return Response({
        "territories": base(reverse("api-territory-list")),
        "organisations": base(reverse("api-organisation-list")),
        "cases": base(reverse("api-case-list")),
        "inbox": base(reverse("api-inbox")),
        "token": base(reverse("api-token")),
        "schema": base(reverse("api-schema")),
        "docs": base(reverse("api-docs")),
        "case_kinds": [k.kind for k in registry.all()],
    })
