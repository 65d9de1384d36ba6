"""Fixtures for the marketing plugin's tests: the portal's own (tests/conftest.py) plus a few helpers.

pytest only applies tests/conftest.py below tests/, so its fixtures are loaded here under another
module name. When ``LMS_DISABLED_PLUGINS`` turns the plugin off, its tests are not collected.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

if "lms_marketing" in (os.environ.get("LMS_DISABLED_PLUGINS") or ""):
    collect_ignore_glob = ["test_*.py"]

_CORE_CONFTEST = Path(__file__).resolve().parents[3] / "tests" / "conftest.py"
_spec = importlib.util.spec_from_file_location("lms_core_test_conftest", _CORE_CONFTEST)
core = importlib.util.module_from_spec(_spec)
sys.modules["lms_core_test_conftest"] = core
_spec.loader.exec_module(core)

# Re-exported so pytest registers the fixtures for this folder, and so that ``from conftest import``
# in any test keeps finding the portal's helpers whichever conftest module was imported last.
from lms_core_test_conftest import *  # noqa: E402,F401,F403
from lms_core_test_conftest import _migrated  # noqa: E402,F401


@pytest.fixture
def marketing(app, demo):
    """The demo catalogue and delivery profiles on top of the demo dealers and accounts."""
    from lms.events import commit
    from lms_marketing.demo import load_demo_data

    with app.app_context():
        load_demo_data()
        commit()
    return ids(app)


def ids(app) -> dict:
    """Ids of the demo records the tests refer to."""
    import sqlalchemy as sa

    from lms.auth.models import Dealer, User
    from lms.extensions import db
    from lms_marketing.models import Item

    with app.app_context():
        items = dict(db.session.execute(sa.select(Item.kind, Item.id)).all())
        dealers = dict(db.session.execute(sa.select(Dealer.tax_id, Dealer.id)).all())
        users = dict(db.session.execute(sa.select(User.email, User.id)).all())
    return {"items": items, "gold": dealers["2310000001"], "silver": dealers["3620000002"],
            "bronze": dealers["5400000003"], "users": users}
