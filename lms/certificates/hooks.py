"""Certificates domain hooks."""
