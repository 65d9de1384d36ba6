"""WEBHOOKS domain hooks."""
