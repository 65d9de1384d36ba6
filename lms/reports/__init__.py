"""Reports for channel managers (all dealers) and dealer admins (their own dealer)."""
