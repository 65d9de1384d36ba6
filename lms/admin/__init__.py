"""Administration: users, dealers, loaded plugins."""
