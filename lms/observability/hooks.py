"""The observability endpoints register like any domain (request ids and metrics are installed by the app factory)."""
from lms.plugins import domain_setup_hooks


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.observability.views:bp")
