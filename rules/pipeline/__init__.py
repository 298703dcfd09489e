"""pipeline rules."""
