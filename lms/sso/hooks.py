"""SSO domain hooks."""
