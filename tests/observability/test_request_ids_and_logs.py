"""Every request has an id: taken from a sane X-Request-ID or made up, sent back, and in every log line."""
import json

import pytest
from flask import current_app

from lms.observability.logs import REQUEST_ID_HEADER


@pytest.fixture
def logging_app(app_factory):
    """An app whose test route writes two log lines, in the format the test asks for."""

    def build(**settings):
        app = app_factory(**settings)

        @app.route("/_test/log-twice")
        def log_twice():
            current_app.logger.info("first line")
            current_app.logger.warning("second line, %s", "with an argument")
            return "logged"

        return app

    return build


def test_an_incoming_request_id_is_kept_and_sent_back(client):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "lb-4f1c2a9e.7"})
    assert response.headers[REQUEST_ID_HEADER] == "lb-4f1c2a9e.7"


@pytest.mark.parametrize("incoming", ["", "has space", "tab\there", "semi;colon", "<script>", "x" * 129])
def test_an_insane_request_id_is_replaced_by_a_fresh_one(client, incoming):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: incoming})
    assert len(response.headers[REQUEST_ID_HEADER]) == 32
    assert response.headers[REQUEST_ID_HEADER] != incoming


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers[REQUEST_ID_HEADER] for _ in range(3)}
    assert len(ids) == 3


def test_refused_and_missing_pages_have_an_id_too(client):
    assert REQUEST_ID_HEADER in client.get("/no-such-page").headers
    assert REQUEST_ID_HEADER in client.get("/login?q=%00").headers  # refused by the input guard


def test_json_log_lines_carry_the_request_id(logging_app, capsys):
    client = logging_app(LOG_FORMAT="json").test_client()
    capsys.readouterr()
    response = client.get("/_test/log-twice", headers={REQUEST_ID_HEADER: "req-json-1"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    ours = [line for line in lines if line["message"] in ("first line", "second line, with an argument")]
    assert response.headers[REQUEST_ID_HEADER] == "req-json-1"
    assert len(ours) == 2
    assert all(line["request_id"] == "req-json-1" for line in ours)
    assert {line["level"] for line in ours} == {"INFO", "WARNING"}
    assert all(line["path"] == "/_test/log-twice" and line["logger"] == "lms" for line in ours)


def test_text_log_lines_carry_the_request_id(logging_app, capsys):
    client = logging_app(LOG_FORMAT="text").test_client()
    capsys.readouterr()
    response = client.get("/_test/log-twice")
    request_id = response.headers[REQUEST_ID_HEADER]
    lines = [line for line in capsys.readouterr().err.splitlines() if "line" in line]
    assert len(lines) == 2
    assert all(f"[{request_id}]" in line for line in lines)
    assert not any(line.startswith("{") for line in lines)


def test_a_module_logger_and_an_exception_are_logged_with_the_id(app_factory, capsys):
    import logging

    app = app_factory(LOG_FORMAT="json")

    @app.route("/_test/fail")
    def fail():
        try:
            raise ValueError("broken")
        except ValueError:
            logging.getLogger("lms.some.module").exception("it failed")
        return "handled"

    capsys.readouterr()
    app.test_client().get("/_test/fail", headers={REQUEST_ID_HEADER: "req-exc"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    failed = [line for line in lines if line["message"] == "it failed"]
    assert failed and failed[0]["request_id"] == "req-exc" and "ValueError: broken" in failed[0]["exception"]


def test_request_lines_when_asked(app_factory, capsys):
    client = app_factory(LOG_FORMAT="json", LOG_REQUESTS=True).test_client()
    capsys.readouterr()
    client.get("/healthz", headers={REQUEST_ID_HEADER: "req-access"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("endpoint") == "portal.healthz"]
    assert access and access[0]["status"] == 200 and access[0]["request_id"] == "req-access"
    assert access[0]["duration_ms"] >= 0


def test_outside_a_request_the_id_is_a_dash(app_factory, capsys):
    app = app_factory(LOG_FORMAT="json")
    capsys.readouterr()
    with app.app_context():
        current_app.logger.warning("from the worker")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["request_id"] == "-" and "path" not in line


def test_an_unknown_log_format_stops_start_up_with_a_clear_message(app_factory):
    from lms.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="LMS_LOG_FORMAT"):
        app_factory(LOG_FORMAT="xml")
