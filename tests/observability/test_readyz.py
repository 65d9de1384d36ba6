"""/readyz: 200 when the database answers, the storage takes a write and migrations are at head;
503 naming what failed otherwise."""
import sqlalchemy as sa


def test_ready_when_everything_is_in_place(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": "ok", "storage": "ok", "migrations": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unreachable_database_is_not_ready(app_factory):
    app = app_factory(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "unreachable"
    assert body["checks"]["migrations"] == "unknown"
    assert "127.0.0.1" not in response.get_data(as_text=True)  # internals go to the log, not to the caller


def test_an_unusable_storage_is_not_ready(app_factory, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    app = app_factory(STORAGE_URL=f"file://{blocker}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "storage": "unavailable", "migrations": "ok"}


def test_an_unmigrated_database_is_not_ready(app_factory, tmp_path):
    app = app_factory(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "storage": "ok", "migrations": "not at head"}


def test_a_database_behind_one_branch_is_not_ready(app_factory, tmp_path):
    """Every branch must be at its head: one branch left behind (here: stamped at an unknown
    revision in place of one head) is enough to refuse."""
    from flask_migrate import upgrade

    from lms.extensions import db

    path = tmp_path / "behind.sqlite3"
    app = app_factory(DATABASE_URL=f"sqlite:///{path}")
    with app.app_context():
        upgrade(revision="heads")
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version ORDER BY version_num LIMIT 1"))
        db.session.execute(sa.text("DELETE FROM alembic_version WHERE version_num = :head"), {"head": head})
        db.session.commit()
    assert app.test_client().get("/readyz").get_json()["checks"]["migrations"] == "not at head"
    with app.app_context():
        db.session.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})
        db.session.commit()
    assert app.test_client().get("/readyz").status_code == 200
    with app.app_context():  # a revision of a newer release: this code is not the schema's
        db.session.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES ('zz_from_the_future')"))
        db.session.commit()
    assert app.test_client().get("/readyz").get_json()["checks"]["migrations"] == "not at head"


def test_healthz_stays_the_cheap_liveness_check(app_factory, tmp_path):
    app = app_factory(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert app.test_client().get("/healthz").status_code == 200
