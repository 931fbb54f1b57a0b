"""Citations: every rule parameter and every decision names the article it comes from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Article:
    """A provision of a law or regulation, e.g. ``村民委员会组织法 第十五条第二款``.

    ``law`` is the short name used in the profiles (``村民委员会组织法``, ``浙江省村民委员会选举办法``);
    ``ref`` is the article and, where it matters, paragraph and item (``第十五条第二款``).
    ``status`` is the confidence tag of ``rules.md``: ``V`` checked against the full text,
    ``S`` from a secondary source, ``U`` unverified.
    """

    law: str
    ref: str
    status: str = "V"

    def __str__(self) -> str:
        mark = {"V": "", "S": "〔据二手资料，待核原文〕", "U": "〔未核实〕"}[self.status]
        return f"{self.law} {self.ref}{mark}"

    @classmethod
    def parse(cls, value: object) -> Article:
        """Build an article from profile data: ``{"law": …, "ref": …, "status": …}`` or a string."""
        if isinstance(value, Article):
            return value
        if isinstance(value, str):
            law, _, ref = value.partition(" ")
            return cls(law=law, ref=ref)
        if isinstance(value, dict):
            name, where, status = value.get("law"), value.get("ref"), value.get("status", "V")
            if isinstance(name, str) and isinstance(where, str) and status in {"V", "S", "U"}:
                return cls(law=name, ref=where, status=str(status))
            raise ValueError(f"citation must have string law/ref and status V/S/U: {value!r}")
        raise ValueError(f"not a citation: {value!r}")


# Articles used across procedures.
CIVIL_CODE_COUNTING_WORDS = Article("民法典", "第一千二百五十九条")
CIVIL_CODE_PERIODS = Article("民法典", "第二百零一条至第二百零三条")
