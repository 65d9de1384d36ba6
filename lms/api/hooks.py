"""API domain hooks."""
