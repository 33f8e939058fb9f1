"""fee12b1: Rule 12b-1 distribution fees under a Master Distribution Plan (engine).

Pipeline: ``xlsx_read`` (read) -> ``parse`` -> ``checks`` (validate) -> ``rules`` and
``compute`` -> ``outputs`` (write).  ``engine`` runs them in order.
"""
__version__ = "0.1.0"

import logging as _logging

# a library logs, the application decides where to: silent unless configured (the command line
# shows tracebacks of internal errors with FEE12B1_DEBUG=1)
_logging.getLogger("fee12b1").addHandler(_logging.NullHandler())
