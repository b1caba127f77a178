"""Every answer under /api/ on a council's host is JSON in the API's one error shape.

The API's views answer their own errors (api.errors.exception_handler), but some answers
are made before or after any view: a middleware that fails (Django's HTML 500 page),
Django's own refusals (a 400 or 403 page). An API client cannot read those, so they are
replaced here by the same shape, with the same status. The family and staff pages keep
their HTML pages."""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse

from api.errors import SERVER_ERROR, error_body

PREFIX = "/api/"
CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID")


def is_api_request(request) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and not tenant.is_platform and request.path_info.startswith(PREFIX)


def as_error_shape(response) -> JsonResponse:
    status = response.status_code
    if status >= 500:
        code, message = "server_error", SERVER_ERROR
    else:
        code = CODES.get(status, "error")
        message = f"{HTTPStatus(status).phrase}." if status in HTTPStatus._value2member_map_ else "Refused."
    replacement = JsonResponse(error_body(status_code=status, code=code, message=message), status=status)
    for header in KEPT_HEADERS:
        if header in response:
            replacement[header] = response[header]
    return replacement


class ApiErrorsAsJsonMiddleware:
    """Right after RequestContextMiddleware (so its X-Request-ID is on the answer)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_request(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return as_error_shape(response)
        return response
