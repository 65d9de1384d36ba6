"""The portal shell registers itself like any plugin."""
from lms.plugins import domain_setup_hooks


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.portal.views:bp")
