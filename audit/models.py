"""The access log."""
