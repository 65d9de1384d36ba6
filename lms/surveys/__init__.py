"""Survey engine: ungraded questionnaires with conditional questions, anonymity-safe results."""
