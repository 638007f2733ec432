"""Accounts' own records: second-factor resets and signed-in sessions."""
