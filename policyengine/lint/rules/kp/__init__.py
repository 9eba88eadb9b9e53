"""KP rules."""
