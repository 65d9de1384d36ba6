"""PostgreSQL connections are pinged as they leave the pool (lms.database.configure_postgresql)."""
import pytest

from lms.extensions import db
from lms.testing import drop_pooled_connections


def test_a_restarted_server_costs_no_failed_request(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL connections can be dropped by the server")
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    assert drop_pooled_connections(engine) >= 1
    # The request's checkout pings, finds the connection dead, and the pool replaces it.
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_the_ping_is_what_saves_it(app):
    """Without the ping (unpinged_checkout), the same dropped connection fails: the test above is real."""
    import sqlalchemy as sa

    from lms.database import unpinged_checkout

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL connections can be dropped by the server")
    with engine.connect() as connection:
        connection.scalar(sa.text("SELECT 1"))
    assert drop_pooled_connections(engine) >= 1
    with unpinged_checkout(), engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError) as error:
            connection.scalar(sa.text("SELECT 1"))
    assert error.value.connection_invalidated


def _postgresql_engine(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the checkout check is PostgreSQL's")
    return engine


def test_a_connection_reused_soon_costs_no_round_trip(app):
    """Under load a connection comes back within milliseconds: its socket is looked at, not pinged."""
    import sqlalchemy as sa

    from lms.testing import statements_sent

    engine = _postgresql_engine(app)
    with engine.connect() as connection:
        connection.scalar(sa.text("SELECT 1"))
    with statements_sent(engine) as sent:
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT 2")) == 2
    assert [s.strip() for s in sent] == ["SELECT 2"]


def test_a_connection_idle_past_the_limit_is_pinged(app, monkeypatch):
    """A host that vanished without a word leaves a quiet socket: long-idle connections get the round trip."""
    import sqlalchemy as sa

    from lms import database
    from lms.testing import statements_sent

    engine = _postgresql_engine(app)
    with engine.connect() as connection:
        connection.scalar(sa.text("SELECT 1"))
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with statements_sent(engine) as sent:
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT 2")) == 2
    assert len(sent) == 2 and sent[-1].strip() == "SELECT 2"  # the ping, then the statement
