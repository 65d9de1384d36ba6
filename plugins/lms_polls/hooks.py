"""lms_polls hooks."""
