"""The bargain (砍价) cut plan: how much each helper cuts, fixed in advance.

WeChat's 2020 rules forbid random cut amounts, so the plan is a pure function of
(start, floor, helpers, seed), published in the bundle: the runtime and the rules page
show exactly how many friends are needed and what each one cuts.
"""

from __future__ import annotations

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import _

_SCALE = 1_000_000


def _mix(seed: int) -> int:
    """A small integer hash (splitmix64) so the plan never depends on `random`."""
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def decay_permille(seed: int) -> int:
    """How fast cuts shrink: each weight is 500–800 ‰ of the one before."""
    return 500 + _mix(seed) % 301


def cut_plan(start: int, floor: int, helpers: int, seed: int) -> list[int]:
    """`helpers` cuts in fen, each ≥ 1, summing to ``start - floor``, non-increasing
    (the first friend cuts the largest share), identical for identical inputs."""
    total = start - floor
    if helpers < 1 or total < helpers:
        raise ValidationError("helpers", _(
            "{n} helpers cannot each cut at least ¥0.01 off ¥{total:.2f}").format(
            n=helpers, total=total / 100))
    ratio = decay_permille(seed)
    weights = []
    w = _SCALE
    for _i in range(helpers):
        weights.append(w)
        w = w * ratio // 1000
    spare = total - helpers  # what is left after every helper's 1 fen
    weight_sum = sum(weights)
    cuts = [1 + spare * w // weight_sum for w in weights]
    for i in range(total - sum(cuts)):  # the rounding remainder, < helpers, to the front
        cuts[i] += 1
    return cuts


def price_after(start: int, plan: list[int], helped: int) -> int:
    """The current bargain price once `helped` friends have cut."""
    return start - sum(plan[:helped])
