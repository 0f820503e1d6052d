"""Confer benchmark: `python -m bench --quick` (see bench/RESULTS.md)."""
