"""API errors in one shape: 400 with a message per field, 403, 404, 409 for a transition not allowed
from the current state. Messages are in the request's language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
        else:
            exc = ValidationError({"non_field_errors": [str(m) for m in exc.messages]})
    if isinstance(exc, TransitionNotAllowed):
        from nazorat.cases.services import CaseStateError

        # Our own state errors carry a translated reason; django-fsm's internal ones a generic message.
        detail = str(exc) if isinstance(exc, CaseStateError) else _("This action is not allowed in the current state.")
        return Response({"detail": detail, "code": "transition_not_allowed"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDenied) and not exc.args:
        exc = PermissionDenied(_("You do not have permission to perform this action."))
    return drf_exception_handler(exc, context)


def json_or_html_404(request, exception=None):
    """API clients get JSON for an unknown address too; people get the page."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return page_not_found(request, exception)


def json_or_html_500(request):
    from django.http import JsonResponse
    from django.views.defaults import server_error

    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("Internal error. It has been logged."), "code": "server_error"}, status=500)
    return server_error(request)
