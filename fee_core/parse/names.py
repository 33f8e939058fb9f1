"""Fund-name resolution (SPEC §5 "Fund names").

A fund's canonical name is its current Schedule A name.  A name written elsewhere resolves
to it when it is equal; or a former name listed in Fund Names; or equal after normalising
(case, spacing, a leading company brand word such as ``INVESCO``, a trailing `` Fund``,
``&`` = ``and``) -- the last with a warning.  Anything else is unknown, with a did-you-mean.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

EXACT = "exact"
FORMER = "former"
NORMALISED = "normalised"


@dataclass(frozen=True)
class Resolution:
    """What a written name resolves to: the canonical name (None if unknown), how, and the
    nearest known names for a did-you-mean."""

    written: str
    fund: str | None
    how: str | None
    suggestions: tuple[str, ...] = ()


def brand_words(companies) -> frozenset[str]:
    """Leading brand words of the companies (``INVESCO BOND FUNDS, INC.`` -> ``invesco``)."""
    words = set()
    for c in companies:
        parts = str(c).strip().split()
        if parts:
            words.add(parts[0].lower())
    return frozenset(words)


def normalise(name: str, brands: frozenset[str] = frozenset()) -> str:
    """The comparison key of a name: lower case, single spaces, ``&`` -> ``and``, no
    leading brand word, no trailing ``fund``."""
    s = str(name).replace("&", " and ").lower()
    s = re.sub(r"\s+", " ", s).strip()
    words = s.split(" ")
    if len(words) > 1 and words[0] in brands:
        words = words[1:]
    if len(words) > 1 and words[-1] == "fund":
        words = words[:-1]
    return " ".join(words)


class NameResolver:
    """Resolves written fund names to canonical ones.

    canonical: the canonical names (Schedule A order); former: former name -> canonical
    name; brands: brand words to ignore when normalising.
    """

    def __init__(self, canonical, former: dict[str, str], brands: frozenset[str]):
        self.canonical = list(canonical)
        self._exact = set(self.canonical)
        self.former = dict(former)
        self.brands = brands
        self._norm: dict[str, str] = {}
        for name in self.canonical:
            self._norm.setdefault(normalise(name, brands), name)
        for old, new in self.former.items():
            self._norm.setdefault(normalise(old, brands), new)
        self._cache: dict[str, Resolution] = {}

    def resolve(self, written: str) -> Resolution:
        written = "" if written is None else str(written)
        hit = self._cache.get(written)
        if hit is not None:
            return hit
        name = written.strip()
        if name in self._exact:
            res = Resolution(written, name, EXACT)
        elif name in self.former:
            res = Resolution(written, self.former[name], FORMER)
        else:
            key = normalise(name, self.brands)
            if key in self._norm:
                res = Resolution(written, self._norm[key], NORMALISED)
            else:
                res = Resolution(written, None, None, self.suggest(name))
        self._cache[written] = res
        return res

    def suggest(self, name: str, n: int = 3) -> tuple[str, ...]:
        """The nearest known names (canonical or former), best first."""
        key = normalise(name, self.brands)
        keys = {normalise(c, self.brands): c for c in self.canonical}
        for old in self.former:
            keys.setdefault(normalise(old, self.brands), old)
        from difflib import get_close_matches  # only when a name is unknown
        near = get_close_matches(key, list(keys), n=n, cutoff=0.6)
        return tuple(keys[k] for k in near)


def did_you_mean(suggestions) -> str:
    if not suggestions:
        return ""
    return " Did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
