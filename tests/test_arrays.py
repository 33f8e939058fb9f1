"""fee_core.arrays.run_starts: where runs of equal key tuples begin."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fee_core import arrays

ints = st.lists(st.integers(-5, 40), max_size=60).map(lambda v: np.array(v, np.int64))


@given(ints, ints)
def test_run_starts_marks_each_change_of_the_key_tuple(a, b):
    b = np.resize(b, len(a)) if len(b) else np.zeros(len(a), np.int64)
    got = arrays.run_starts(a, b)
    want = [i == 0 or (a[i], b[i]) != (a[i - 1], b[i - 1]) for i in range(len(a))]
    assert got.tolist() == want
