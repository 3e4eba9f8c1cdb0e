"""Serializers of the shared API: reference data, the case kernel, the inbox. Input and output are
separate; views call services and never save serializers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from nazorat.cases.models import Assignment, AssignmentRole, AssignmentStep, Case, ExtensionRequest, ReviewRound, WorkItem
from nazorat.core.models import Event
from nazorat.orgs.models import Membership, Organisation
from nazorat.territories.models import Territory


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the request's language."))
    code = serializers.CharField(required=False)


class FieldErrorsSerializer(serializers.Serializer):
    """400: a list of messages per field (``non_field_errors`` for the request as a whole)."""

    field_name = serializers.ListField(child=serializers.CharField(), required=False)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("Login, e-mail or phone number."))
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(required=False, allow_blank=True,
                                      help_text=_("The 6-digit code, for accounts with a second factor."))


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TerritorySerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True)

    class Meta:
        model = Territory
        fields = ["code", "level", "kind", "name", "parent", "name_uz", "name_uz_cyrl", "name_ru", "name_en"]


class OrganisationSerializer(serializers.ModelSerializer):
    territory = serializers.CharField(source="territory_id", allow_null=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "short_name", "name_uz", "name_uz_cyrl", "name_ru", "name_en", "kind", "level",
                  "sector", "territory", "parent", "work_week", "address", "phone", "email"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "organisation", "position", "title", "roles", "is_primary"]

    def get_roles(self, obj) -> list[str]:
        return sorted(obj.role_codes)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="display_name")
    kind = serializers.CharField()
    preferred_language = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class StepSerializer(serializers.ModelSerializer):
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = AssignmentStep
        fields = ["code", "due_at", "done_at", "is_late"]


class AssignmentSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    steps = StepSerializer(many=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "case", "parent", "organisation", "organisation_name", "person", "role", "state", "due_at",
                  "original_due_at", "assigned_at", "accepted_at", "submitted_at", "completed_at", "is_overdue", "steps"]

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()


class ReviewRoundSerializer(serializers.ModelSerializer):
    reviewer_org = serializers.IntegerField(source="reviewer_org_id", allow_null=True)

    class Meta:
        model = ReviewRound
        fields = ["id", "assignment", "number", "step", "step_code", "reviewer_org", "submitted_at", "submission",
                  "verdict", "reasons", "decided_at"]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "case", "assignment", "requested_at", "old_due_at", "requested_due_at", "reasons", "state",
                  "decided_at", "decision_note", "granted_due_at"]


class CaseSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.name")
    territory = serializers.CharField(source="territory_id", allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "kind", "number", "status", "status_display", "title", "owner", "owner_name", "territory",
                  "opened_at", "due_at", "original_due_at", "closed_at", "is_overdue"]

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()


class CaseDetailSerializer(CaseSerializer):
    assignments = AssignmentSerializer(many=True)
    review_rounds = ReviewRoundSerializer(many=True)
    extension_requests = ExtensionRequestSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["summary", "assignments", "review_rounds", "extension_requests",
                                               "allowed_actions"]

    def get_allowed_actions(self, obj) -> list[str]:
        return obj.case_type.allowed_actions(obj.status) if obj.closed_at is None else []


class EventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    actor_organisation = serializers.IntegerField(source="actor_organisation_id", allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "occurred_at", "action", "label", "actor_name", "actor_position", "actor_organisation",
                  "payload"]

    def get_label(self, obj) -> str:
        from nazorat.core.events import label_for

        return label_for(obj.action)


class WorkItemSerializer(serializers.ModelSerializer):
    case = CaseSerializer()
    action_label = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)

    class Meta:
        model = WorkItem
        fields = ["id", "action", "action_label", "due_at", "opened_at", "organisation", "role", "case"]


# --- inputs ------------------------------------------------------------------------------------

class LetterCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_active=True))
    territory = serializers.SlugRelatedField(slug_field="code", queryset=Territory.objects.all(), required=False,
                                             allow_null=True)
    deadline_rule = serializers.CharField(required=False, help_text=_("E.g. '10 working_days', '1 months'."))
    due_at = serializers.DateTimeField(required=False)


class AssignSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    due_at = serializers.DateTimeField(required=False)
    deadline_rule = serializers.CharField(required=False)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionRequestInputSerializer(serializers.Serializer):
    requested_due_at = serializers.DateTimeField()
    reasons = serializers.CharField()
    assignment = serializers.IntegerField(required=False)


class ExtensionDecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    granted_due_at = serializers.DateTimeField(required=False)


class SubmitResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    assignment = serializers.IntegerField(required=False)


class ReviewDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class StepCompleteSerializer(serializers.Serializer):
    step = serializers.CharField()


class EmptySerializer(serializers.Serializer):
    pass
