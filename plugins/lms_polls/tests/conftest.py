"""Reuse the portal's test fixtures (tests/conftest.py) for the plugin's own tests.

pytest only applies a conftest to tests below it, so the shared module is loaded under another
name and its fixtures are re-exported here. With ``LMS_DISABLED_PLUGINS`` naming lms_polls (the
CI run without partner plugins) these tests are not collected.
"""
import importlib.util
import os
import sys
from pathlib import Path

if "lms_polls" in (os.environ.get("LMS_DISABLED_PLUGINS") or ""):
    collect_ignore_glob = ["test_*.py"]

SHARED = Path(__file__).resolve().parents[3] / "tests" / "conftest.py"
NAME = "lms_core_test_conftest"  # the same name the marketing plugin's tests use: loaded once

if NAME not in sys.modules:
    spec = importlib.util.spec_from_file_location(NAME, SHARED)
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    spec.loader.exec_module(module)
shared = sys.modules[NAME]

# Fixtures (including the private _migrated) and helpers such as csrf_token, so that
# ``from conftest import ...`` works whichever conftest module pytest imported last.
globals().update({name: value for name, value in vars(shared).items()
                  if not name.startswith("__") and name not in ("pytest", "pytest_report_header")})
