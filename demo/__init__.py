"""Demo data for trying MARS out: the top layer, which ties every app together."""
