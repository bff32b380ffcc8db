"""One error format for every API error:

{"error": {"code": "validation_error", "message": "…", "fields": {"name": ["…"]}}}
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from crm.services.records import ConcurrentUpdateError
from crm.workflow import WorkflowRefused


def error_response(code: str, message: str, http_status: int, fields: Any = None) -> Response:
    set_rollback()  # whatever the request wrote before the error is undone (ATOMIC_REQUESTS)
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=http_status)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ConcurrentUpdateError):
        return error_response("conflict", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, WorkflowRefused):
        return error_response("refused", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        message = _("Invalid input.") if fields else " ".join(exc.messages)
        return error_response("validation_error", message, status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, OverflowError | DataError):
        return error_response(
            "validation_error", _("A value is out of range or malformed."), status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, IntegrityError):
        return error_response(
            "conflict", _("This change conflicts with existing data."), status.HTTP_409_CONFLICT
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        non_field = fields.pop("non_field_errors", None)
        message = " ".join(str(m) for m in non_field) if non_field else _("Invalid input.")
        if non_field and not fields:
            fields = None
        elif non_field:
            fields["non_field_errors"] = non_field
        response.data = {
            "error": {
                "code": "validation_error",
                "message": message,
                **({"fields": fields} if fields else {}),
            }
        }
        return response
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    response.data = {"error": {"code": code, "message": str(detail)}}
    return response


def api_aware_page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """URLs under /api/ that match no route answer in the API's error format, not with an HTML page."""
    if request.path_info.startswith("/api/"):
        body = {"error": {"code": "not_found", "message": _("No such resource.")}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
