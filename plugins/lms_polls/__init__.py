"""Partner module lms_polls (see its README section)."""
