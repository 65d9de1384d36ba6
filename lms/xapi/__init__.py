"""The xAPI 1.0.3 Learning Record Store at /xapi/: statements, documents, launch credentials, forwarding."""
