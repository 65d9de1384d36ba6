"""Outgoing webhooks: HMAC-signed deliveries to host systems and the retry schedule for failed ones."""
