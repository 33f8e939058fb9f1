"""Benchmarks of SPEC §7: ``python -m bench`` (see bench/main.py)."""
