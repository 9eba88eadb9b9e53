"""X rules."""
