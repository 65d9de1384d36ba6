"""JSON API v1 for host systems, with its OpenAPI document."""
