"""Quizzes: question types, grading, GIFT import/export and item analysis."""
