"""Dump every table of the database to JSON lines, and load them back in foreign-key order.

Tables are reflected from the database itself (not taken from the models), so a plugin's tables
and columns only a migration knows are included, and each value goes out and back exactly as the
database holds it. ``alembic_version`` is not a table of data: the manifest records its revisions.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from lms.backup.rows import line_values, row_line

VERSION_TABLE = "alembic_version"
INSERT_BATCH = 500


def data_tables(connection) -> list[sa.Table]:
    """The database's tables (without Alembic's), parents before children."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


def migration_revisions(connection) -> list[str]:
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return []
    # nosec B608: VERSION_TABLE is this module's constant (Alembic's table name), not input.
    return sorted(connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())  # nosec B608


def ordered_rows(connection, table: sa.Table) -> Iterator[tuple]:
    """Every row, by primary key (all columns when there is none), streamed."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True, yield_per=1000).execute(
        sa.select(*table.columns).order_by(*order))
    for row in result:
        yield tuple(row)


def dump_table(connection, table: sa.Table, target: Path) -> dict:
    """Write ``table`` to ``target``; its manifest entry (columns, rows, sha256, size)."""
    digest, rows, size = hashlib.sha256(), 0, 0
    with target.open("wb") as out:
        for row in ordered_rows(connection, table):
            line = row_line(row)
            out.write(line)
            digest.update(line)
            rows += 1
            size += len(line)
    return {"columns": [column.name for column in table.columns], "rows": rows,
            "sha256": digest.hexdigest(), "size": size}


def table_fingerprint(connection, table: sa.Table) -> tuple[int, str]:
    """Row count and SHA-256 of the table's dump, without writing it (restore's final check)."""
    digest, rows = hashlib.sha256(), 0
    for row in ordered_rows(connection, table):
        digest.update(row_line(row))
        rows += 1
    return rows, digest.hexdigest()


def _parents_first(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Rows of a table that references itself (a category's parent), each after the row it references."""
    links = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not links:
        return rows
    child_column, parent_column = links[0]
    placed: set = set()
    ordered: list[dict] = []
    waiting = rows
    while waiting:
        still = [row for row in waiting
                 if row[child_column] is not None and row[child_column] not in placed
                 and row[child_column] != row[parent_column]]
        ready = [row for row in waiting if row not in still]
        if not ready:  # a cycle the database itself could not hold: keep the order and let it decide
            return ordered + still
        ordered.extend(ready)
        placed.update(row[parent_column] for row in ready)
        waiting = still
    return ordered


def load_table(connection, table: sa.Table, source: Path, columns: list[str]) -> int:
    """Insert the rows of ``source`` (columns in the dump's order) into ``table``; how many."""
    missing = [name for name in columns if name not in table.columns]
    if missing:
        raise ValueError(f"table {table.name} of this database has no column {', '.join(missing)}")
    self_referencing = any(fk.column.table is table for fk in table.foreign_keys)
    batch: list[dict] = []
    total = 0
    with source.open("rb") as lines:
        for line in lines:
            batch.append(dict(zip(columns, line_values(line))))
            if len(batch) >= INSERT_BATCH and not self_referencing:
                connection.execute(table.insert(), batch)
                total += len(batch)
                batch = []
    if batch:
        ordered = _parents_first(table, batch) if self_referencing else batch
        for start in range(0, len(ordered), INSERT_BATCH):
            connection.execute(table.insert(), ordered[start:start + INSERT_BATCH])
        total += len(batch)
    return total


def reset_sequences(connection, tables: list[sa.Table]) -> None:
    """PostgreSQL: move each id sequence past the restored ids, so new rows do not collide."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next id from the table itself
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.execute(sa.select(sa.func.pg_get_serial_sequence(quote(table.name), column.name)))
            name = sequence.scalar()
            if name:
                # Names come from the reflected schema, quoted by the dialect; values are bound.
                highest = f"(SELECT MAX({quote(column.name)}) FROM {quote(table.name)})"  # nosec B608
                connection.execute(sa.text(f"SELECT setval(:sequence, COALESCE({highest}, 1), {highest} IS NOT NULL)"),
                                   {"sequence": name})
