"""Compute (SPEC §4 rules 2-8) on the daily grid built by ``rules``: ``periods`` (output
periods), ``accruals`` (plan fee, ADNA), ``service`` (service fees per provider), ``payments``
(minimum-payment carry-forward), ``split`` (the SIXTH checks).  Amounts are integer cents from
``money.cents_of_terms``, the one rounding rule."""
