"""fee12b1: Rule 12b-1 distribution fees under a Master Distribution Plan (engine).

Pipeline: ``xlsx_read`` (read) -> ``parse`` -> ``checks`` (validate) -> ``rules`` and
``compute`` -> ``outputs`` (write).  ``engine`` runs them in order.
"""
__version__ = "0.1.0"
