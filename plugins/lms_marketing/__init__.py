"""Partner module lms_marketing (see docs/features.md, "Surveys and the partner plugins")."""
