"""Surveys domain hooks."""
