"""Single sign-on from host portals: trusted issuers, strict JWT validation and safe post-login redirects."""
