"""State that every process and node of one portal must share: rate limits, worker heartbeats, job leases, wake-ups."""
