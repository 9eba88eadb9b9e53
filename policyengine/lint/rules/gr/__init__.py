"""GR rules."""
