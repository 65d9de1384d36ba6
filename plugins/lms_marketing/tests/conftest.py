"""Fixtures for the marketing plugin's tests, on top of the project's (root conftest.py).

When ``LMS_DISABLED_PLUGINS`` turns the plugin off, its tests are not collected.
"""
from __future__ import annotations

import os

import pytest

if "lms_marketing" in (os.environ.get("LMS_DISABLED_PLUGINS") or ""):
    collect_ignore_glob = ["test_*.py"]


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
