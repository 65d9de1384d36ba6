"""Partner module lms_marketing (see its README section)."""
