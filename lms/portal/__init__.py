"""The portal shell: dashboard and health check."""
