"""Assignments: courses and learning paths assigned to an audience, with due dates, and the learner's home."""
