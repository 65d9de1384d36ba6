"""The marketing plugin's settings and their one default each; ``lms_app_created`` applies them.

Each is overridden like a core setting, by ``LMS_<KEY>``, and documented in
``docs/configuration.md``.
"""
from __future__ import annotations

import copy

DEFAULTS = {
    # Units of material a dealer may order per quarter, by tier; "default" covers other tiers.
    "MARKETING_QUARTER_QUOTA": {"gold": 2000, "silver": 1000, "bronze": 500, "default": 500},
    # Size limit of an item's preview image, in bytes.
    "MARKETING_PREVIEW_MAX_BYTES": 5 * 1024 * 1024,
}


def apply_defaults(config) -> None:
    """Fill in every setting the operator left unset (copies, so no app can change another's)."""
    for key, value in DEFAULTS.items():
        config.setdefault(key, copy.deepcopy(value))
