"""POL rules."""
