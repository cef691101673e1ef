"""Every request gets an id (the load balancer's, or a new one), logged as JSON with the user."""

import io
import json
import logging

import pytest
from django.conf import settings

from bpjs_tracker.request_log import RequestContextFilter


@pytest.fixture
def json_log():
    """The request logger written through the JSON formatter settings.LOGGING configures."""
    options = dict(settings.LOGGING["formatters"]["json"])
    formatter_class = options.pop("()")
    module, name = formatter_class.rsplit(".", 1)
    formatter = getattr(__import__(module, fromlist=[name]), name)(**options)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("bpjs_tracker.requests")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_is_logged_as_json_with_its_id_and_user(client, world, sekda, json_log):
    client.force_login(sekda)
    response = client.get("/admin/", headers={"X-Request-ID": "lb-1234abcd"})
    assert response["X-Request-ID"] == "lb-1234abcd"
    [line] = _lines(json_log)
    assert line["request_id"] == "lb-1234abcd"
    assert line["user"] == f"{sekda.pk}:{sekda.username}"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/admin/", 200)
    assert line["level"] == "INFO" and line["logger"] == "bpjs_tracker.requests"


def test_an_id_that_does_not_look_like_one_is_replaced(client, db, json_log):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id.isalnum()
    [line] = _lines(json_log)
    assert (line["request_id"], line["user"]) == (request_id, "-")
