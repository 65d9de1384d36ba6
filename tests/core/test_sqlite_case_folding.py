"""Searches ignore case in every script on both databases (SQLite's own lower() folds ASCII only)."""
import sqlalchemy as sa

from lms.extensions import db
from lms.listing import matches


def test_search_matches_cyrillic_whatever_the_case(app, demo):
    from lms.auth.models import Dealer

    with app.app_context():
        db.session.add(Dealer(name="ЯБЛОКО-Агро", tier="gold", region="Тула"))
        db.session.commit()
        for term in ("яблоко", "Яблоко", "ЯБЛОКО", "агро"):
            found = db.session.scalars(sa.select(Dealer.name).where(matches(term, Dealer.name))).all()
            assert "ЯБЛОКО-Агро" in found, term
        assert db.session.scalar(sa.select(sa.func.lower("ЁЖИК Ok"))) == "ёжик ok"
        assert db.session.scalar(sa.select(sa.func.lower(None))) is None
