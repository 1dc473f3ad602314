"""Splitting an order discount across lines in integer fen, losing nothing."""

from __future__ import annotations


def split(amount: int, bases: list[int]) -> list[int]:
    """Shares of `amount` proportional to `bases` (each rounded down), the rounding
    remainder on the last line. A share never exceeds its base: if the last line is too
    small to take the remainder, the rest goes to the lines before it, from the back.

    Requires 0 ≤ amount ≤ sum(bases) and every base ≥ 0; the shares sum to `amount`.
    """
    total = sum(bases)
    if not 0 <= amount <= total:
        raise ValueError(f"cannot split {amount} over {total}")
    if amount == 0:
        return [0] * len(bases)
    shares = [amount * b // total for b in bases]
    left = amount - sum(shares)
    for i in range(len(bases) - 1, -1, -1):
        if not left:
            break
        room = min(bases[i] - shares[i], left)
        shares[i] += room
        left -= room
    return shares
