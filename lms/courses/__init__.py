"""Courses domain: courses, sections, lessons, uploads, progress, Markdown rendering and the content/ loader."""
