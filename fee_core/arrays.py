"""One array helper the compute steps share: where runs of equal keys begin."""
from __future__ import annotations

import numpy as np


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Where a run of equal key tuples begins: True at 0 and wherever any of the equal-length
    ``keys`` differs from the element before (sorted keys: the first of each distinct value)."""
    n = len(keys[0])
    first = np.empty(n, bool)
    if n:
        first[0] = True
        first[1:] = False
        for k in keys:
            first[1:] |= k[1:] != k[:-1]
    return first
