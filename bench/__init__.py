"""Benchmarks of SPEC §7 / issue 7: ``python -m bench`` (see bench/run.py)."""
