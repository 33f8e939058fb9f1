"""Payments (SPEC §4 rule 7): per provider and payment period, service fees, carried in, payable
and carried out under the provider's Minimum Payment."""
from __future__ import annotations

from decimal import ROUND_HALF_UP

import numpy as np

from ..model import Book, Provider
from .service import ServiceFees


def payments(book: Book, sf: ServiceFees, pers) -> list[tuple]:
    """SPEC §4 rule 7: per provider and payment period, service fees summed over funds,
    carried in, payable (when due ≥ the Minimum Payment) and carried out.  Rows from the
    provider's first fee on.  Returns (provider index, period index, fees, in, payable, out)
    with money in cents."""
    n_p = len(pers)
    P = len(book.providers)
    tot = np.zeros((P, n_p), np.int64)
    np.add.at(tot, (sf.provider, sf.period), sf.fee)
    if P == 0 or n_p == 0:
        return []
    minimum = np.array([minimum_cents(p) for p in book.providers], np.int64)
    # a provider's rows start at its first period with a fee; all providers step together
    # through the periods (the carry is sequential in time, independent across providers)
    nonzero = tot != 0
    first = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), n_p)
    active = np.arange(n_p)[None, :] >= first[:, None]
    carried_in = np.zeros((P, n_p), np.int64)
    payable = np.zeros((P, n_p), np.int64)
    carried_out = np.zeros((P, n_p), np.int64)
    carried = np.zeros(P, np.int64)
    for k in range(n_p):
        due = tot[:, k] + carried
        pay = due >= minimum
        carried_in[:, k] = carried
        payable[:, k] = np.where(pay, due, 0)
        carried = np.where(pay, 0, due)
        carried_out[:, k] = carried
        carried = np.where(active[:, k], carried, 0)   # nothing is due before the first fee
    pi, pk = np.nonzero(active)                          # provider-major, then period
    return list(zip(pi.tolist(), pk.tolist(), tot[pi, pk].tolist(), carried_in[pi, pk].tolist(),
                    payable[pi, pk].tolist(), carried_out[pi, pk].tolist()))


def minimum_cents(p: Provider) -> int:
    """The provider's Minimum Payment in cents (half up, as every amount)."""
    return int((p.minimum * 100).to_integral_value(ROUND_HALF_UP))
