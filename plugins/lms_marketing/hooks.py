"""lms_marketing hooks."""
