"""fee12b1: Rule 12b-1 distribution fees under a Master Distribution Plan (the engine).

The pipeline shows in the packages: ``read`` -> ``parse`` -> ``checks`` -> ``rules`` ->
``compute`` -> ``write``; ``engine`` runs them in order, ``cli`` and ``commands`` are the command
line.  See docs/architecture.md.
"""
__version__ = "0.2.0"

# The library logs only an internal error (engine._guard), to the "fee12b1" logger; it adds
# its NullHandler there, on first use, so that a normal run never pays for importing logging.
