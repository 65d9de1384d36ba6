"""Backups of a portal: a consistent, portable dump of the database plus every stored file, with a
manifest of hashes; a restore that verifies all of it (``lms backup create|verify|restore``).

A backup folder holds ``manifest.json`` (format, migration revisions, every table's columns, row
count and SHA-256, every file's size and SHA-256), ``tables/<table>.jsonl`` (one JSON array per row,
ordered by primary key, so the same data always gives the same bytes) and ``files/<storage key>``.
It is plain data, not SQL: a SQLite portal's backup restores into PostgreSQL and back.
See docs/deployment.md (Backups and restore).
"""
