"""Every form reads only submitted form fields and files (lms.forms.PortalForm): Flask-WTF's own
base fills a form from a JSON body, so a number or a list sent as JSON reached validators that
expect text and every form route answered 500."""
import importlib
import os
import pkgutil

import pytest
from flask_wtf import FlaskForm

import lms
from lms.forms import PortalForm
from lms.testing import csrf_token


def all_form_classes():
    # A plugin the run disables stays unimported: importing its models would add its tables to the
    # metadata, and the migrations test would then see tables this run never migrated.
    disabled = {name.strip() for name in os.environ.get("LMS_DISABLED_PLUGINS", "").split(",")}
    packages = [lms] + [importlib.import_module(name) for name in ("lms_marketing", "lms_polls") if name not in disabled]
    for package in packages:
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations." not in module.name and ".tests" not in module.name:
                importlib.import_module(module.name)
    found, pending = set(), [FlaskForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass)
            pending.append(subclass)
    # Only the portal's own forms: a test may build a plain FlaskForm on purpose.
    return {form for form in found - {PortalForm} if form.__module__.split(".")[0] in ("lms", "lms_marketing", "lms_polls")}


def test_every_form_is_a_portal_form():
    forms = all_form_classes()
    assert len(forms) > 10  # the walk found the domains' forms
    assert sorted(f"{f.__module__}.{f.__qualname__}" for f in forms if not issubclass(f, PortalForm)) == []


@pytest.mark.parametrize("body", [7, True, "text", [[]], {"name": 12, "email": ["a"], "password": {"x": 1}}])
def test_a_json_body_on_a_form_route_is_an_ordinary_form_error(login_as, body):
    client = login_as("admin")
    token = csrf_token(client, "/admin/users")
    response = client.post("/admin/users", json=body, headers={"X-CSRFToken": token})
    assert response.status_code in (200, 400, 422), response.status_code
