"""Serializers of the appeals API. Inputs and outputs are separate; views call services and never save
serializers. Outputs that can carry the author's data read ``author_visible`` (Art 19): false for bodies that
do not handle a ``do_not_disclose`` appeal, which then get no author data, text or file names at all."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nazorat.api.serializers import AssignmentSerializer, ExtensionRequestSerializer, ReviewRoundSerializer
from nazorat.cases.models import AssignmentRole
from nazorat.orgs.models import Organisation

from .. import kinds
from ..models import AppealForm, AppealKind, ApplicantKind, Outcome, TerminationGround, UnconsideredGround
from ..permissions import sees_author

User = get_user_model()
STATUS_CHOICES = [(k, str(v)) for k, v in kinds.APPEAL.statuses.items()]


# --- inputs ---------------------------------------------------------------------------------------

class SignatoryInputSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    address = serializers.CharField()


class AppealSubmitSerializer(serializers.Serializer):
    """What a submission may hold (JSON, or multipart with files). The service validates it per Art 6 and
    answers every missing or invalid field at once; in multipart, ``signatories`` is a JSON-encoded list."""

    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, required=False, default="individual")
    last_name = serializers.CharField(required=False, help_text=_("Required for an individual."))
    first_name = serializers.CharField(required=False, help_text=_("Required for an individual."))
    patronymic = serializers.CharField(required=False)
    organisation_name = serializers.CharField(required=False, help_text=_("Required for a legal entity."))
    tin = serializers.CharField(required=False, help_text=_("Taxpayer number (STIR), 9 digits."))
    address = serializers.CharField(help_text=_("Place of residence or postal address."))
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False, help_text=_("E.g. +998901234567."))
    kind = serializers.ChoiceField(choices=AppealKind.choices)
    addressee = serializers.IntegerField(help_text=_("Id of the body (GET /api/v1/organisations/)."))
    territory = serializers.CharField(help_text=_("SOATO code (GET /api/v1/territories/)."))
    text = serializers.CharField(help_text=_("The essence of the appeal."))
    language = serializers.ChoiceField(choices=["uz", "uz-cyrl", "ru", "en"], required=False,
                                       help_text=_("The language of the appeal and of the answer."))
    do_not_disclose = serializers.BooleanField(required=False, default=False)
    is_collective = serializers.BooleanField(required=False, default=False)
    signatories = SignatoryInputSerializer(many=True, required=False,
                                           help_text=_("For a collective appeal; the first receives the answer."))
    complained_about = serializers.IntegerField(required=False, help_text=_("Id of the body complained about."))
    via_representative = serializers.BooleanField(required=False, default=False)
    representative_name = serializers.CharField(required=False)
    representative_document = serializers.FileField(required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class PaperRegisterSerializer(AppealSubmitSerializer):
    """The fields of a submission plus how and when the appeal actually arrived."""

    form = serializers.ChoiceField(choices=[("written", "written"), ("oral", "oral")])
    received_at = serializers.DateTimeField()


class AssignInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    due_at = serializers.DateTimeField(required=False, help_text=_("Not later than the appeal's deadline."))
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class ForwardInputSerializer(serializers.Serializer):
    to = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_active=True))
    reason = serializers.CharField()


class ReturnInputSerializer(serializers.Serializer):
    reasons = serializers.CharField()


class ExtendInputSerializer(serializers.Serializer):
    new_due = serializers.DateField()
    reasons = serializers.CharField()


class AnswerInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("One PDF: the answer with any letter of thanks and the act."))
    answer_number = serializers.CharField()
    sent_on = serializers.DateField()
    signer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    executor = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True, default="")


class ReviewInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class LeaveUnconsideredInputSerializer(serializers.Serializer):
    conclusion = serializers.CharField()
    ground = serializers.ChoiceField(choices=UnconsideredGround.choices, default=UnconsideredGround.ANONYMOUS)


class TerminateInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=TerminationGround.choices)
    note = serializers.CharField()


class WithdrawInputSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text=_("The tracking code (not needed when signed in as the author)."))


class RateInputSerializer(WithdrawInputSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TrackQuerySerializer(serializers.Serializer):
    number = serializers.CharField()
    code = serializers.CharField()


# --- outputs --------------------------------------------------------------------------------------

class AppealCreatedSerializer(serializers.Serializer):
    number = serializers.CharField()
    tracking_code = serializers.CharField(allow_null=True,
                                          help_text=_("Keep it: with the number it lets you follow the appeal."))
    status = serializers.CharField()
    status_display = serializers.CharField()
    kind = serializers.CharField()
    received_at = serializers.DateTimeField()
    registered_on = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)


class TimelineItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class PublicAnswerSerializer(serializers.Serializer):
    number = serializers.CharField()
    sent_on = serializers.DateField(allow_null=True)
    signer_position = serializers.CharField()
    signer_name = serializers.CharField()
    outcome = serializers.CharField(allow_blank=True)


class PublicAppealSerializer(serializers.Serializer):
    """What the author sees when following the appeal: never anybody else's data (R-B11, Art 19)."""

    number = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    form = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    addressee = serializers.CharField()
    received_at = serializers.DateTimeField()
    registered_on = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()
    closed_at = serializers.DateTimeField(allow_null=True)
    forwarded_to = serializers.CharField(allow_null=True)
    joined_to = serializers.CharField(allow_null=True)
    author = serializers.CharField(allow_null=True)
    answer = PublicAnswerSerializer(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    can_withdraw = serializers.BooleanField()
    can_rate = serializers.BooleanField()
    timeline = TimelineItemSerializer(many=True)


def _author_visible(serializer, obj) -> bool:
    visible = getattr(obj, "author_visible", None)
    if visible is None:
        request = serializer.context.get("request")
        visible = sees_author(getattr(request, "user", None), obj)
    return bool(visible)


class AppealSerializer(serializers.Serializer):
    """A row of the register. ``author`` is null where the author's data is withheld from the caller."""

    number = serializers.CharField(source="case.number")
    case = serializers.IntegerField(source="case_id")
    kind = serializers.ChoiceField(choices=AppealKind.choices)
    form = serializers.ChoiceField(choices=AppealForm.choices)
    status = serializers.ChoiceField(choices=STATUS_CHOICES, source="case.status")
    status_display = serializers.CharField(source="case.get_status_display")
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    author = serializers.SerializerMethodField()
    do_not_disclose = serializers.BooleanField()
    is_collective = serializers.BooleanField()
    addressee = serializers.IntegerField(source="addressee_id")
    addressee_name = serializers.CharField(source="addressee.name")
    territory = serializers.CharField(source="territory_id")
    received_at = serializers.DateTimeField()
    registered_on = serializers.DateField()
    due_at = serializers.DateTimeField(source="case.due_at", allow_null=True)
    original_due_at = serializers.DateTimeField(source="case.original_due_at", allow_null=True)
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    repeat_of = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField()
    needs_extra_study = serializers.BooleanField()
    extension_used = serializers.BooleanField()
    rating = serializers.IntegerField(allow_null=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_author(self, obj):
        return obj.author_name if _author_visible(self, obj) else None

    def get_is_overdue(self, obj) -> bool:
        return obj.case.is_overdue()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_repeat_of(self, obj):
        return obj.repeat_of.case.number if obj.repeat_of_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_duplicate_of(self, obj):
        return obj.duplicate_of.case.number if obj.duplicate_of_id else None


class SignatorySerializer(serializers.Serializer):
    order = serializers.IntegerField()
    full_name = serializers.CharField()
    address = serializers.CharField()


class AuthorSerializer(serializers.Serializer):
    last_name = serializers.CharField(allow_blank=True)
    first_name = serializers.CharField(allow_blank=True)
    patronymic = serializers.CharField(allow_blank=True)
    organisation_name = serializers.CharField(allow_blank=True)
    tin = serializers.CharField(allow_blank=True)
    address = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    via_representative = serializers.BooleanField()
    representative_name = serializers.CharField(allow_blank=True)
    signatories = SignatorySerializer(many=True)


class AttachmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_null=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ResultSerializer(serializers.Serializer):
    answer = AttachmentOutSerializer(allow_null=True)
    answer_number = serializers.CharField(allow_blank=True)
    answer_sent_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    signer_position = serializers.CharField(allow_blank=True)
    signer_name = serializers.CharField(allow_blank=True)
    executor_position = serializers.CharField(allow_blank=True)
    executor_name = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)


def _attachment(att, show_name: bool) -> dict:
    return {"id": att.pk, "purpose": att.purpose, "name": att.original_name if show_name else None,
            "content_type": att.content_type, "size": att.size, "sha256": att.sha256, "uploaded_at": att.uploaded_at}


class AppealDetailSerializer(AppealSerializer):
    """Staff view of one appeal: the register row plus the text, the author, the files, the links, the result,
    and the kernel's assignments, review rounds and extensions."""

    text = serializers.SerializerMethodField()
    language = serializers.CharField()
    author_data = serializers.SerializerMethodField()
    complained_about = serializers.IntegerField(source="complained_about_id", allow_null=True)
    forwarded_from = serializers.SerializerMethodField()
    forwarded_to = serializers.SerializerMethodField()
    correspondence_closed = serializers.BooleanField()
    closure_ground = serializers.CharField(allow_blank=True)
    closure_note = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    rating_comment = serializers.CharField(allow_blank=True)
    assignments = AssignmentSerializer(many=True, source="case.assignments")
    review_rounds = ReviewRoundSerializer(many=True, source="case.review_rounds")
    extension_requests = ExtensionRequestSerializer(many=True, source="case.extension_requests")
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_text(self, obj):
        return obj.text if _author_visible(self, obj) else None

    @extend_schema_field(AuthorSerializer(allow_null=True))
    def get_author_data(self, obj):
        if not _author_visible(self, obj):
            return None
        data = {f: getattr(obj, f) for f in ("last_name", "first_name", "patronymic", "organisation_name", "tin",
                                             "address", "email", "phone", "via_representative",
                                             "representative_name")}
        data["signatories"] = [{"order": s.order, "full_name": s.full_name, "address": s.address}
                               for s in obj.signatories.all()]
        return AuthorSerializer(data).data

    @extend_schema_field({"type": "string", "nullable": True})
    def get_forwarded_from(self, obj):
        return obj.forwarded_from.case.number if obj.forwarded_from_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_forwarded_to(self, obj):
        from ..selectors import forwarded_to

        target = forwarded_to(obj)
        return target.case.number if target is not None else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_closure_note(self, obj):
        return obj.closure_note if _author_visible(self, obj) else None

    @extend_schema_field(AttachmentOutSerializer(many=True))
    def get_attachments(self, obj):
        show = _author_visible(self, obj)
        return [_attachment(a, show) for a in obj.case.attachments.all()]

    @extend_schema_field(ResultSerializer)
    def get_result(self, obj):
        show = _author_visible(self, obj)
        return {
            "answer": _attachment(obj.answer, show) if obj.answer_id else None,
            **{f: getattr(obj, f) for f in ("answer_number", "answer_sent_on", "outcome", "signer_position",
                                             "signer_name", "executor_position", "executor_name", "answered_at")},
        }

    def get_allowed_actions(self, obj) -> list[str]:
        case = obj.case
        return kinds.APPEAL.allowed_actions(case.status) if case.closed_at is None else []


def due_date_of(appeal):
    return timezone.localtime(appeal.case.due_at).date() if appeal.case.due_at else None
