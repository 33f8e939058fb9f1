"""fee12b1: Rule 12b-1 distribution fees under a Master Distribution Plan (engine).

Pipeline: ``xlsx_read`` (read) -> ``parse`` -> ``checks`` (validate) -> ``rules`` and
``compute`` -> ``outputs`` (write).  ``engine`` runs them in order.
"""
__version__ = "0.1.0"

# The library logs only an internal error (engine._guard), to the "fee12b1" logger; it adds
# its NullHandler there, on first use, so that a normal run never pays for importing logging.
