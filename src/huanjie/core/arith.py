"""Exact threshold arithmetic: integer cross-multiplication only, never floating point.

Statutory counting words (民法典 第一千二百五十九条): 以上/以下/以内/届满 include the number,
不满/超过/以外 exclude it; 过半数 is strict; "不得少于三分之一" is inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Share:
    """A statutory share of a base: ``num/den``, strict (超过, 过半数) or inclusive (不少于, 以上)."""

    num: int
    den: int
    strict: bool

    def __post_init__(self) -> None:
        if self.den <= 0 or self.num < 0 or self.num > self.den:
            raise ValueError(
                f"a share must satisfy 0 <= num <= den, den > 0: {self.num}/{self.den}"
            )

    def met(self, count: int, base: int) -> bool:
        """Whether ``count`` reaches this share of ``base`` (``count*den > num*base`` if strict)."""
        if self.strict:
            return count * self.den > self.num * base
        return count * self.den >= self.num * base

    def least(self, base: int) -> int:
        """The least whole count that meets the share of ``base`` (never below zero)."""
        product = self.num * base
        if self.strict:
            return product // self.den + 1
        return -(-product // self.den)

    def describe(self) -> str:
        word = "超过" if self.strict else "不少于"
        if (self.num, self.den) == (1, 2):
            return "过半数" if self.strict else "不少于半数"
        return f"{word}{_fraction_zh(self.num, self.den)}"

    def formula(self, count: int, base: int) -> str:
        """The cross-multiplication as shown to a person, e.g. ``801×2=1602 > 1500×1=1500``."""
        op = ">" if self.strict else "≥"
        neg = "≤" if self.strict else "<"
        left, right = count * self.den, self.num * base
        shown = op if self.met(count, base) else neg
        return f"{count}×{self.den}={left} {shown} {base}×{self.num}={right}"

    @classmethod
    def parse(cls, value: object) -> Share:
        """From profile data: ``{"num": 1, "den": 2, "strict": true}``."""
        if not isinstance(value, dict):
            raise ValueError(f"a share must be an object with num, den, strict: {value!r}")
        num, den, strict = value.get("num"), value.get("den"), value.get("strict")
        if not isinstance(num, int) or not isinstance(den, int) or not isinstance(strict, bool):
            raise ValueError(f"a share needs integer num/den and boolean strict: {value!r}")
        return cls(num, den, strict)


MORE_THAN_HALF = Share(1, 2, strict=True)
AT_LEAST_ONE_THIRD = Share(1, 3, strict=False)
MORE_THAN_FOUR_FIFTHS = Share(4, 5, strict=True)

_DIGITS = "零一二三四五六七八九十"


def _fraction_zh(num: int, den: int) -> str:
    def zh(n: int) -> str:
        return _DIGITS[n] if 0 <= n <= 10 else str(n)

    return f"{zh(den)}分之{zh(num)}"


def ceil_share(count: int, num: int, den: int) -> int:
    """``ceil(count * num / den)`` in integers (e.g. 差额 of at least 20% of seats)."""
    return -(-count * num // den)
