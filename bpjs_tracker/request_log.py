"""Structured logs: every line a JSON object with the request id and the user.

`RequestIdMiddleware` takes the load balancer's `X-Request-ID` (when it looks
like an id) or makes one, returns it in the response, and keeps it, with the
user's id and username, in context variables that `RequestContextFilter`
copies onto every log record of the request (also those of Django, the
database and the services). `DJANGO_LOG_FORMAT=json` (the default when DEBUG
is off) formats them with python-json-logger; `text` keeps plain lines.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
user_var: ContextVar[str] = ContextVar("user", default="-")

VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = logging.getLogger("bpjs_tracker.requests")


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        record.user = user_var.get()
        return True


class RequestIdMiddleware:
    """After AuthenticationMiddleware: the user is known when the request is logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        user = getattr(request, "user", None)
        user_token = user_var.set(
            f"{user.pk}:{user.get_username()}"
            if user is not None and user.is_authenticated
            else "-"
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(id_token)
            user_var.reset(user_token)
