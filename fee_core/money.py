"""Money: the one rounding rule, exact.

**The rounding rule.** A fee is a sum of terms ``a × w / y`` (``a`` an amount in units of
1/10,000 dollar, ``w`` a rate in units of 1/100,000,000, ``y`` the days in the year).  Its
exact rational value is rounded once, half up (half a cent goes away from zero), to whole
cents.  Under Rounding=Daily each day's fee is one such sum, rounded, and the cents are then
added.  No float ever decides a cent: the vectorised float path is used only where the value
is provably far from a half cent; every value within the float error bound of a half cent is
recomputed exactly with Python integers (``fractions.Fraction``).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

import numpy as np

from .model import AMOUNT_SCALE, RATE_SCALE

CENT_DIVISOR = AMOUNT_SCALE * RATE_SCALE // 100      # a*w/y units -> cents
_EPS = 2.0 ** -52


def div_half_up(num: int, den: int) -> int:
    """round(num / den) with halves away from zero, exactly, for Python ints (den > 0)."""
    if den <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def div_half_up_array(num: np.ndarray, den: np.ndarray | int) -> np.ndarray:
    """Element-wise exact div_half_up for integer arrays (int64 when safe, else Python ints)."""
    num = np.asarray(num)
    den_arr = np.broadcast_to(np.asarray(den, dtype=np.int64), num.shape)
    if num.size == 0:
        return np.zeros(num.shape, np.int64)
    big = max(int(np.abs(num).max()), 1) * 2 + int(den_arr.max()) >= 2 ** 62
    if not big and num.dtype != object:
        a = np.abs(num.astype(np.int64))
        q, r = np.divmod(a, den_arr)
        q = q + (2 * r >= den_arr)
        return np.where(num >= 0, q, -q)
    return np.array([div_half_up(int(n), int(d)) for n, d in zip(num.tolist(), den_arr.tolist())],
                    dtype=np.int64)


def cents_of_terms(group: np.ndarray, a: np.ndarray, w: np.ndarray, y: np.ndarray,
                   n_groups: int) -> np.ndarray:
    """Per group g: the exact value of Σ a·w/y over the terms of g, in cents, rounded half up.

    group: int array (term -> group index < n_groups); a, w: non-negative int64 arrays;
    y: int64 days-in-year per term.  Returns int64 cents per group (0 for groups without terms).
    """
    group = np.asarray(group, np.int64)
    if group.size == 0:
        return np.zeros(n_groups, np.int64)
    af = np.asarray(a, np.float64)
    wf = np.asarray(w, np.float64)
    yf = np.asarray(y, np.float64)
    v = af * wf / yf / CENT_DIVISOR
    s = np.bincount(group, weights=v, minlength=n_groups)
    mag = np.bincount(group, weights=np.abs(v), minlength=n_groups)
    k = np.bincount(group, minlength=n_groups)
    out = np.floor(s + 0.5)
    frac = s - np.floor(s)
    # error bound of the float path: each term has at most four correctly rounded steps
    # (int -> float, ×, ÷ y, ÷ divisor), the sum at most k - 1 more; doubled for margin
    tol = (k + 8) * 2 * _EPS * mag + 1e-9
    near = np.abs(frac - 0.5) <= tol
    cents = out.astype(np.int64)
    if near.any():
        flagged = np.nonzero(near)[0]
        mask = near[group]
        idx = np.nonzero(mask)[0]
        sums: dict[int, Fraction] = {int(g): Fraction(0) for g in flagged}
        for g, ai, wi, yi in zip(group[idx].tolist(), np.asarray(a)[idx].tolist(),
                                 np.asarray(w)[idx].tolist(), np.asarray(y)[idx].tolist()):
            sums[g] += Fraction(int(ai) * int(wi), int(yi))
        for g, fr in sums.items():
            cents[g] = div_half_up(fr.numerator, fr.denominator * CENT_DIVISOR)
    return cents


def cents_to_decimal(c: int) -> Decimal:
    """Integer cents -> Decimal dollars with exactly two places (exact: a shift of exponent)."""
    return Decimal(int(c)).scaleb(-2)


def cents_column(cents) -> list[Decimal]:
    """A column of integer cents -> Decimal dollars with two places."""
    return [Decimal(c).scaleb(-2) for c in np.asarray(cents, np.int64).tolist()]


def rate_units(rate: Decimal) -> int:
    """A rate as a Decimal fraction -> integer RATE_SCALE units (exact, else rounded half up)."""
    return int((rate * RATE_SCALE).to_integral_value(ROUND_HALF_UP))


@lru_cache(maxsize=4096)
def fmt_rate(units: int) -> str:
    """Rate units -> decimal fraction text ('0.0025', '0.003', '0')."""
    d = (Decimal(int(units)) / RATE_SCALE).normalize()
    return format(d, "f")
