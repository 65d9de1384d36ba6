"""People management: bulk import of dealers and users, staff invitations, password reset by e-mail."""
