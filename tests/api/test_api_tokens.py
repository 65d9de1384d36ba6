"""API tokens: issued by admins (page and CLI), stored hashed, checked on every request, revocable."""
import hashlib
import re

import sqlalchemy as sa
from click.testing import CliRunner

from lms.testing import TEST_SECRET_KEY, api_token, csrf_token
from lms.api.models import ApiToken
from lms.cli import cli
from lms.extensions import db


def make_token(app, *scopes, integration="partner-portal"):
    return api_token(app, *scopes, integration=integration, name="test")


def bearer(value):
    return {"Authorization": f"Bearer {value}"}


def test_only_a_hash_and_a_lookup_prefix_are_stored(app):
    value = make_token(app, "read:dealers")
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert value.startswith(f"lms_{token.prefix}_")
        assert token.token_hash == hashlib.sha256(value.encode()).hexdigest()
        assert value not in repr(token.__dict__)


def test_requests_without_a_valid_token_get_401_json(client, app, demo):
    value = make_token(app, "read:dealers")
    for headers, code in (({}, "missing_token"), ({"Authorization": "Basic abc"}, "missing_token"),
                          (bearer("garbage"), "invalid_token"), (bearer(value[:-2] + "xx"), "invalid_token"),
                          (bearer("lms_AAAAAAAA_" + "x" * 43), "invalid_token")):
        response = client.get("/api/v1/dealers", headers=headers)
        assert response.status_code == 401, headers
        assert response.json["error"]["code"] == code
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/dealers", headers=bearer(value)).status_code == 200


def test_a_token_without_the_scope_gets_403(client, app, demo):
    value = make_token(app, "read:certificates")
    response = client.get("/api/v1/dealers", headers=bearer(value))
    assert response.status_code == 403
    assert response.json == {"error": {"code": "insufficient_scope",
                                       "message": "This API token lacks the scope read:dealers."}}
    assert 'scope="read:dealers"' in response.headers["WWW-Authenticate"]


def test_write_users_implies_read_users(client, app, demo):
    value = make_token(app, "write:users")
    assert client.get("/api/v1/users", headers=bearer(value)).status_code == 200
    assert client.get("/api/v1/dealers", headers=bearer(value)).status_code == 403


def test_use_is_recorded(client, app, demo):
    value = make_token(app, "read:dealers")
    client.get("/api/v1/dealers", headers=bearer(value))
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None


def test_admin_creates_a_token_sees_it_once_and_revokes_it(app, login_as):
    client = login_as("admin")
    page = client.get("/admin/api-tokens")
    assert page.status_code == 200 and "API-токены" in page.get_data(as_text=True)
    response = client.post("/admin/api-tokens", data={
        "name": "Портал производителя", "integration": "partner-portal", "scopes": ["read:certificates", "write:users"],
        "csrf_token": csrf_token(client, "/admin/api-tokens")})
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    value = re.search(r'value="(lms_[A-Za-z0-9]{8}_[^"]+)"', html).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    assert value not in client.get("/admin/api-tokens").get_data(as_text=True)  # shown once
    api = app.test_client()
    assert api.get("/api/v1/certificates", headers=bearer(value)).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    revoked = client.post(f"/admin/api-tokens/{token_id}/revoke",
                          data={"csrf_token": csrf_token(client, "/admin/api-tokens")})
    assert revoked.status_code == 302
    assert api.get("/api/v1/certificates", headers=bearer(value)).json["error"]["code"] == "invalid_token"


def test_admin_page_refuses_bad_input_and_other_roles(app, login_as):
    client = login_as("admin")
    response = client.post("/admin/api-tokens", data={"name": "", "integration": "x", "scopes": ["nope"],
                                                      "csrf_token": csrf_token(client, "/admin/api-tokens")})
    assert response.status_code == 400
    assert client.post("/admin/api-tokens", data={"name": "x", "integration": "y", "scopes": ["read:users"]}
                       ).status_code == 400  # no CSRF token
    assert client.post("/admin/api-tokens/999/revoke",
                       data={"csrf_token": csrf_token(client, "/admin/api-tokens")}).status_code == 404
    assert login_as("manager").get("/admin/api-tokens").status_code == 403


def test_cli_creates_lists_and_revokes(app, database_url, instance_root):
    env = {"LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root), "LMS_SECRET_KEY": TEST_SECRET_KEY}
    runner = CliRunner()
    created = runner.invoke(cli, ["api-tokens", "create", "--name", "CRM", "--integration", "crm",
                                  "--scope", "read:progress", "--scope", "read:users"], env=env)
    assert created.exit_code == 0, created.output
    value = created.output.strip().splitlines()[-1]
    assert value.startswith("lms_")
    listed = runner.invoke(cli, ["api-tokens", "list"], env=env)
    assert "crm" in listed.output and "read:progress read:users" in listed.output and value not in listed.output
    assert app.test_client().get("/api/v1/users", headers=bearer(value)).status_code == 200
    # The row of the token (the runner's output also holds what the portal logged on stderr).
    token_id = next(line for line in listed.output.splitlines() if "\tcrm\t" in line).split()[0]
    assert runner.invoke(cli, ["api-tokens", "revoke", token_id], env=env).exit_code == 0
    assert app.test_client().get("/api/v1/users", headers=bearer(value)).status_code == 401
    unknown = runner.invoke(cli, ["api-tokens", "revoke", "9999"], env=env)
    assert unknown.exit_code == 2 and "No API token" in unknown.output
    bad_scope = runner.invoke(cli, ["api-tokens", "create", "--name", "x", "--integration", "y",
                                    "--scope", "admin:all"], env=env)
    assert bad_scope.exit_code == 2


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"


def test_token_page_works_without_the_webhooks_plugin(app_factory, demo):
    from lms.testing import DEMO_EMAILS, DEMO_PASSWORD

    client = app_factory(DISABLED_PLUGINS="lms.webhooks.hooks").test_client()
    client.post("/login", data={"email": DEMO_EMAILS["admin"], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    html = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "API-токены" in html and "/admin/webhooks" not in html
