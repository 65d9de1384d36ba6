"""Dealers, users, roles, local sign-in (and, later, SSO and API tokens)."""
