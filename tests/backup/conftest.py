"""A database of the backup tests' own: a SQLite file, or a schema of the PostgreSQL test database."""
import os

import pytest
import sqlalchemy as sa

from drill_helpers import SCHEMA


@pytest.fixture
def drill_database(database_url, tmp_path):
    """A database of the drill's own (SQLite file, or a PostgreSQL schema), and a way to wipe it."""
    if not database_url.startswith("postgresql"):
        path = tmp_path / "drill.sqlite3"

        def wipe():
            for suffix in ("", "-wal", "-shm", ".writers"):
                if os.path.exists(f"{path}{suffix}"):
                    os.remove(f"{path}{suffix}")

        yield f"sqlite:///{path}", wipe
        return
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(url)

    def wipe():
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))

    wipe()
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}", wipe
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()
