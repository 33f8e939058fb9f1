"""fee_core.arrays (the engine's np.unique/np.setdiff1d without numpy.ma) against numpy."""
import numpy as np
from hypothesis import given, strategies as st

from fee_core import arrays

ints = st.lists(st.integers(-5, 40), max_size=60).map(lambda v: np.array(v, np.int64))
days = st.lists(st.integers(10_000, 10_060), max_size=60).map(
    lambda v: np.array(v, np.int64).astype("datetime64[D]"))


@given(ints)
def test_unique_is_numpys(a):
    assert np.array_equal(arrays.unique(a), np.unique(a))
    assert arrays.unique(a).dtype == a.dtype


@given(days, days)
def test_setdiff_is_numpys(a, b):
    got = arrays.setdiff(a, b)
    assert np.array_equal(got, np.setdiff1d(a, b)) and got.dtype == a.dtype


@given(ints, ints)
def test_isin_sorted_is_numpys(a, b):
    assert np.array_equal(arrays.isin_sorted(a, np.unique(b)), np.isin(a, b))


@given(ints, ints)
def test_run_starts_marks_each_change_of_the_key_tuple(a, b):
    b = np.resize(b, len(a)) if len(b) else np.zeros(len(a), np.int64)
    got = arrays.run_starts(a, b)
    want = [i == 0 or (a[i], b[i]) != (a[i - 1], b[i - 1]) for i in range(len(a))]
    assert got.tolist() == want
