"""Quizzes domain hooks."""
