"""KEY rules."""
