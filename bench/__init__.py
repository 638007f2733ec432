"""Benchmarks, run by `make bench` and `make bench-load`; not part of the app."""
