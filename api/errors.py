"""One JSON shape for every error the API answers, whatever raised it:

    {"status": 404, "code": "not_found", "message": "Not found.", "errors": {}}

`errors` maps a field to its messages when a request was refused for what it sent
("non_field_errors" for the request as a whole; a nested field is "new_child.council_reference").
Never an HTML page or a stack trace: an unexpected exception is logged with the request
id (echoed in the X-Request-ID header) and answered as a 500 in this shape."""

from __future__ import annotations

import logging

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from casework.services.children import ChildPossibleDuplicates
from tenants.storage import StorageRefused

logger = logging.getLogger("api")

NON_FIELD = "non_field_errors"
SERVER_ERROR = (
    "Something went wrong on our side and nothing was changed. Try again later; if it keeps happening, "
    "tell the council, quoting the X-Request-ID header of this response."
)


def error_body(*, status_code: int, code: str, message: str, errors: dict | None = None) -> dict:
    return {"status": status_code, "code": code, "message": message, "errors": errors or {}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.subfield": [messages]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in (NON_FIELD, NON_FIELD_ERRORS) and not prefix else f"{prefix}{key}"
            flat.update(_flatten(value, f"{name}."))
        return flat
    if isinstance(detail, list) and detail and all(isinstance(item, dict) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}{index}."))
        return flat
    messages = [str(item) for item in (detail if isinstance(detail, list) else [detail])]
    return {prefix.rstrip(".") or NON_FIELD: messages}


def _from_django_validation(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD: [str(m) for m in error.messages]}


def _first(errors: dict[str, list[str]], default: str) -> str:
    for messages in errors.values():
        if messages:
            return messages[0]
    return default


def exception_handler(exc, context) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception a view raises, as the one shape."""
    if isinstance(exc, ChildPossibleDuplicates):
        set_rollback()
        errors = {"new_child": [str(m) for m in exc.messages]}
        message = errors["new_child"][0] + " To record a new child anyway, send confirmed_not_duplicate: true."
        return Response(
            error_body(status_code=409, code="possible_duplicate", message=message, errors=errors), status=409
        )
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        errors = _from_django_validation(exc)
        body = error_body(status_code=400, code="invalid", message=_first(errors, "The request is not valid."))
        body["errors"] = errors
        return Response(body, status=400)
    if isinstance(exc, StorageRefused):
        set_rollback()
        logger.warning("The file store refused an upload through the API: %s", exc.reason or exc)
        return Response(error_body(status_code=503, code="storage_unavailable", message=str(exc)), status=503)
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(error_body(status_code=413, code="too_large", message="The request is too large."), status=413)
    if isinstance(exc, SuspiciousOperation):
        set_rollback()
        return Response(error_body(status_code=400, code="bad_request", message="The request is not valid."), 400)

    response = drf_exception_handler(exc, context)  # APIException, Http404, PermissionDenied; sets headers
    if response is None:
        set_rollback()
        request = context.get("request")
        logger.error(
            "Unhandled exception in the API: %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=exc,
        )
        return Response(error_body(status_code=500, code="server_error", message=SERVER_ERROR), status=500)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        message = _first(errors, "The request is not valid.")
        if len(errors) > 1 or next(iter(errors), NON_FIELD) != NON_FIELD:
            message = "The request is not valid: see errors for each field."
        response.data = error_body(status_code=response.status_code, code=code, message=message, errors=errors)
    else:
        detail = getattr(exc, "detail", "")
        message = str(detail) if not isinstance(detail, (dict, list)) else _first(_flatten(detail), code)
        response.data = error_body(status_code=response.status_code, code=code, message=message)
    return response


@csrf_exempt  # no session here: Django's CSRF check would answer a POST with its HTML 403 page
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any address under /api/ that is not an endpoint, whatever the method."""
    body = error_body(
        status_code=status.HTTP_404_NOT_FOUND,
        code="not_found",
        message="There is no such address in this API. The endpoints are listed at /api/schema/.",
    )
    return JsonResponse(body, status=404)
