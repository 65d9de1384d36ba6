"""Partner module lms_polls (see docs/features.md, "Surveys and the partner plugins")."""
