"""Coordination domain hooks: its schema (no pages, no texts)."""
from lms.coordination import models  # noqa: F401  (tables must be in the metadata)
from lms.plugins import domain_setup_hooks

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(__file__)
