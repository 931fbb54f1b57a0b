"""Preparation of a village election: the election committee (村民选举委员会) and the records
kept before registration starts (民主测评, 离任审计, 风险研判, 工作人员培训).

Pure decisions only; the web application stores their inputs and outcomes.

Law:

* 村民委员会组织法 第十二条 [V]: the 村民选举委员会 is chosen by the 村民会议, the 村民代表会议
  or the 村民小组会议; a member nominated as a candidate leaves it, and the place is filled
  in order from the original selection result, or by a new selection.
* 民政部《村民委员会选举规程》 (民发〔2013〕76号) chapter 1 [S]: at least 3 members, preferably
  an odd number; near relatives should not sit on it together. Its staff chapter [S]:
  candidates and their near relatives may not serve as election staff.
* 村民委员会组织法 第三十五条第二款 [V]: the result of the outgoing committee's 离任经济责任审计
  shall be published before the next committee election.
* 民法典 第一千零四十五条第二款 [V]: near relatives are the spouse, parents, children,
  siblings, paternal and maternal grandparents and grandchildren.

Local practice, not statute: the democratic-evaluation bar (不满意率, 30% by default, reached
⇒ may not be re-nominated) and the training pass mark (85 by default). Both are parameters
(:class:`EvaluationPolicy`, :class:`TrainingPolicy`) whose citation is the local document
(:func:`local_policy`); every decision returns the value it applied.

Every comparison is in integers (cross-multiplication); no floating point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final, Literal

from huanjie.core.arith import Share
from huanjie.core.citations import Article
from huanjie.core.names import normalize

__all__ = [
    "CIVIL_CODE_NEAR_RELATIVES",
    "DEFAULT_EVALUATION_POLICY",
    "DEFAULT_TRAINING_POLICY",
    "MIN_COMMITTEE",
    "ORGANIC_LAW_AUDIT",
    "ORGANIC_LAW_COMMITTEE",
    "REGULATION_COMMITTEE",
    "REGULATION_STAFF",
    "Backfill",
    "Conflict",
    "EvaluationDecision",
    "EvaluationPolicy",
    "Finding",
    "Kin",
    "PersonRef",
    "PreparationState",
    "Relation",
    "Seat",
    "StaffDecision",
    "Tally",
    "TrainingDecision",
    "TrainingPolicy",
    "audit_publication_error",
    "backfill",
    "committee_findings",
    "evaluate",
    "local_policy",
    "percent_text",
    "preparation_blockers",
    "relation_between",
    "relative_conflicts",
    "same_person",
    "score_error",
    "staff_decision",
    "tally_errors",
    "training_result",
]

ORGANIC_LAW_COMMITTEE: Final = Article("村民委员会组织法", "第十二条")
REGULATION_COMMITTEE: Final = Article("民政部《村民委员会选举规程》", "第一章 村民选举委员会", "S")
REGULATION_STAFF: Final = Article("民政部《村民委员会选举规程》", "选举工作人员", "S")
CIVIL_CODE_NEAR_RELATIVES: Final = Article("民法典", "第一千零四十五条第二款")
ORGANIC_LAW_AUDIT: Final = Article("村民委员会组织法", "第三十五条第二款")

#: 规程 chapter 1 [S]: the 村民选举委员会 has at least three members.
MIN_COMMITTEE: Final = 3


def local_policy(basis: str, item: str) -> Article:
    """The citation of a local-policy parameter: the township's document if one was entered
    (then ``V``: the office that entered it checked it), else the default, marked unverified."""
    document = basis.strip()
    if document:
        return Article(document, f"{item}（地方政策）", "V")
    return Article("本地换届选举工作方案（默认值）", f"{item}（地方政策，非法律规定）", "U")


# --------------------------------------------------------------------------- #
# People and near relatives


class Kin(StrEnum):
    """民法典 第一千零四十五条第二款: what ``b`` is to ``a`` in a declared relation."""

    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    MATERNAL_GRANDPARENT = "maternal_grandparent"
    GRANDCHILD = "grandchild"
    MATERNAL_GRANDCHILD = "maternal_grandchild"

    @property
    def label(self) -> str:
        return _KIN_LABELS[self]

    @property
    def inverse(self) -> Kin:
        """What ``a`` is to ``b``: 父母 ↔ 子女, 祖父母 ↔ 孙子女, 外祖父母 ↔ 外孙子女."""
        return _KIN_INVERSE[self]


_KIN_LABELS: Final = {
    Kin.SPOUSE: "配偶",
    Kin.PARENT: "父母",
    Kin.CHILD: "子女",
    Kin.SIBLING: "兄弟姐妹",
    Kin.GRANDPARENT: "祖父母",
    Kin.MATERNAL_GRANDPARENT: "外祖父母",
    Kin.GRANDCHILD: "孙子女",
    Kin.MATERNAL_GRANDCHILD: "外孙子女",
}
_KIN_INVERSE: Final = {
    Kin.SPOUSE: Kin.SPOUSE,
    Kin.SIBLING: Kin.SIBLING,
    Kin.PARENT: Kin.CHILD,
    Kin.CHILD: Kin.PARENT,
    # If b is a's 祖父母 (father's parent), a is b's 孙子女 (son's child); likewise maternal.
    Kin.GRANDPARENT: Kin.GRANDCHILD,
    Kin.GRANDCHILD: Kin.GRANDPARENT,
    Kin.MATERNAL_GRANDPARENT: Kin.MATERNAL_GRANDCHILD,
    Kin.MATERNAL_GRANDCHILD: Kin.MATERNAL_GRANDPARENT,
}


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person as the records name them: a name, and an ID number when one was given."""

    name: str
    id_number: str = ""

    @property
    def name_key(self) -> str:
        return normalize(self.name)

    @property
    def id_key(self) -> str:
        return self.id_number.strip().upper()


def same_person(x: PersonRef, y: PersonRef) -> bool:
    """Two records are one person when both ID numbers are given and equal; when either lacks
    one, when the names are the same (after script and whitespace normalisation). Two people
    of the same name with different ID numbers are different people."""
    if x.id_key and y.id_key:
        return x.id_key == y.id_key
    return x.name_key == y.name_key


@dataclass(frozen=True, slots=True)
class Relation:
    """A declared near-relative relation: ``b`` is ``a``'s ``kind``."""

    a: PersonRef
    b: PersonRef
    kind: Kin


def relation_between(x: PersonRef, y: PersonRef, relations: Sequence[Relation]) -> Kin | None:
    """What ``y`` is to ``x`` under any declared relation, or None."""
    for r in relations:
        if same_person(r.a, x) and same_person(r.b, y):
            return r.kind
        if same_person(r.b, x) and same_person(r.a, y):
            return r.kind.inverse
    return None


@dataclass(frozen=True, slots=True)
class Conflict:
    """``other`` is ``person``'s near relative (``kind``)."""

    person: PersonRef
    other: PersonRef
    kind: Kin
    articles: tuple[Article, ...] = (REGULATION_COMMITTEE, CIVIL_CODE_NEAR_RELATIVES)

    @property
    def text(self) -> str:
        return (
            f"{self.person.name}与{self.other.name}系近亲属（{self.other.name}是"
            f"{self.person.name}的{self.kind.label}），近亲属不应同时担任村民选举委员会成员"
        )


def relative_conflicts(
    person: PersonRef, seated: Sequence[PersonRef], relations: Sequence[Relation]
) -> list[Conflict]:
    """Every seated member who is a declared near relative of ``person`` (规程 第一章 [S])."""
    found = []
    for other in seated:
        if same_person(other, person):
            continue
        kind = relation_between(person, other, relations)
        if kind is not None:
            found.append(Conflict(person, other, kind))
    return found


# --------------------------------------------------------------------------- #
# The committee: back-fill in order, size and relatives


@dataclass(frozen=True, slots=True)
class Seat:
    """A committee member or reserve as the core sees them: the person and their place in the
    original selection result (``rank`` 1 is first; ``votes`` when the selection was a vote)."""

    person: PersonRef
    rank: int
    votes: int | None = None


@dataclass(frozen=True, slots=True)
class Backfill:
    """Who fills a vacancy: the first reserve in the original order who is not a near relative
    of a serving member; ``skipped`` lists those passed over, with the reason."""

    chosen: Seat | None
    skipped: tuple[tuple[Seat, str], ...]
    text: str
    articles: tuple[Article, ...] = (ORGANIC_LAW_COMMITTEE, REGULATION_COMMITTEE)


def backfill(
    reserves: Sequence[Seat], serving: Sequence[PersonRef], relations: Sequence[Relation]
) -> Backfill:
    """组织法 第十二条: a vacancy is filled in order from the original selection result.

    ``serving`` is the committee after the leaver has gone. Raises ValueError if two reserves
    share a rank (the order would be undefined).
    """
    ranks = [s.rank for s in reserves]
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"reserves must have distinct ranks: {sorted(ranks)}")
    skipped: list[tuple[Seat, str]] = []
    for seat in sorted(reserves, key=lambda s: s.rank):
        conflicts = relative_conflicts(seat.person, serving, relations)
        if conflicts:
            skipped.append((seat, "；".join(c.text for c in conflicts)))
            continue
        text = f"按原推选结果顺序，由第{seat.rank}位{seat.person.name}递补"
        if skipped:
            passed = "、".join(f"第{s.rank}位{s.person.name}" for s, _ in skipped)
            text += f"（{passed}因近亲属回避未递补）"
        return Backfill(seat, tuple(skipped), text)
    text = "原推选结果中已无可递补人员，应当另行推选"
    if skipped:
        text += f"（{'；'.join(reason for _, reason in skipped)}）"
    return Backfill(None, tuple(skipped), text)


@dataclass(frozen=True, slots=True)
class Finding:
    """Something about the committee; ``blocking`` ones keep the preparation stage open."""

    code: str
    text: str
    articles: tuple[Article, ...]
    blocking: bool


def committee_findings(
    serving: Sequence[PersonRef], relations: Sequence[Relation], *, chairs: int
) -> list[Finding]:
    """Size (≥3, preferably odd), near relatives sitting together, and the chair."""
    findings: list[Finding] = []
    size = len(serving)
    if size < MIN_COMMITTEE:
        findings.append(
            Finding(
                "too_few",
                f"村民选举委员会应当不少于{MIN_COMMITTEE}人，现有在任成员{size}人",
                (REGULATION_COMMITTEE,),
                blocking=True,
            )
        )
    elif size % 2 == 0:
        findings.append(
            Finding(
                "even",
                f"村民选举委员会成员人数宜为单数，现有在任成员{size}人",
                (REGULATION_COMMITTEE,),
                blocking=False,
            )
        )
    for i, person in enumerate(serving):
        for conflict in relative_conflicts(person, serving[i + 1 :], relations):
            findings.append(Finding("relatives", conflict.text, conflict.articles, blocking=True))
    if chairs == 0 and size:
        findings.append(
            Finding("no_chair", "尚未确定村民选举委员会主任", (REGULATION_COMMITTEE,), False)
        )
    elif chairs > 1:
        findings.append(
            Finding(
                "chairs",
                f"村民选举委员会主任只能有一名，现有{chairs}名",
                (REGULATION_COMMITTEE,),
                blocking=True,
            )
        )
    return findings


# --------------------------------------------------------------------------- #
# 民主测评 (democratic evaluation of incumbents)

EvaluationBase = Literal["returned", "valid"]
BASE_LABELS: Final[dict[str, str]] = {
    "returned": "收回测评票",
    "valid": "有效测评票（满意、基本满意、不满意之和）",
}


@dataclass(frozen=True, slots=True)
class Tally:
    """One incumbent's evaluation figures."""

    issued: int
    returned: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied


_TALLY_LABELS: Final = {
    "issued": "发出测评票",
    "returned": "收回测评票",
    "satisfied": "满意票",
    "basically_satisfied": "基本满意票",
    "dissatisfied": "不满意票",
}


def tally_errors(t: Tally, base: EvaluationBase = "returned") -> list[tuple[str, str]]:
    """Every inconsistency as ``(field, message)``: non-negative whole counts, the three
    ratings together at most the ballots returned, returned at most issued, a non-zero base."""
    errors: list[tuple[str, str]] = []
    for name, label in _TALLY_LABELS.items():
        if getattr(t, name) < 0:
            errors.append((name, f"{label}不能为负数"))
    if errors:
        return errors
    if t.returned > t.issued:
        errors.append(("returned", f"收回测评票（{t.returned}）不能多于发出测评票（{t.issued}）"))
    if t.rated > t.returned:
        errors.append(
            (
                "dissatisfied",
                f"满意、基本满意、不满意票之和（{t.rated}）不能多于收回测评票（{t.returned}）",
            )
        )
    if base == "returned" and t.returned == 0:
        errors.append(("returned", "收回测评票为0，无法计算不满意率"))
    if base == "valid" and t.rated == 0 and not errors:
        errors.append(("dissatisfied", "有效测评票为0，无法计算不满意率"))
    return errors


@dataclass(frozen=True, slots=True)
class EvaluationPolicy:
    """The local bar: ``percent`` of the base, reached (``inclusive``, 达到) or exceeded (超过).

    Default: 不满意率达到30%（含本数）即不得再提名. Local practice, not statute: the citation
    is the township's document (:func:`local_policy`).
    """

    percent: int = 30
    inclusive: bool = True
    base: EvaluationBase = "returned"
    article: Article = field(default_factory=lambda: local_policy("", "民主测评不满意率标准"))

    def __post_init__(self) -> None:
        if not 1 <= self.percent <= 100:
            raise ValueError(f"the evaluation bar must be 1–100 percent, got {self.percent}")
        if self.base not in BASE_LABELS:
            raise ValueError(f"unknown evaluation base {self.base!r}")

    @property
    def share(self) -> Share:
        return Share(self.percent, 100, strict=not self.inclusive)

    def describe(self) -> str:
        if self.inclusive:
            return f"不满意票占{BASE_LABELS[self.base]}的比例达到{self.percent}%（含本数）"
        return f"不满意票占{BASE_LABELS[self.base]}的比例超过{self.percent}%（不含本数）"


DEFAULT_EVALUATION_POLICY: Final = EvaluationPolicy()


def percent_text(num: int, den: int) -> str:
    """``num/den`` as a percentage with two decimals, rounded half up in integers; prefixed
    with 约 when not exact (e.g. ``1/3`` → ``约33.33%``)."""
    if den <= 0 or num < 0:
        raise ValueError(f"need num >= 0 and den > 0: {num}/{den}")
    scaled, rest = divmod(num * 10000, den)
    rounded = scaled + (1 if rest * 2 >= den else 0)
    whole, frac = divmod(rounded, 100)
    return f"{'' if rest == 0 else '约'}{whole}.{frac:02d}%"


@dataclass(frozen=True, slots=True)
class EvaluationDecision:
    """Whether the incumbent may not be re-nominated, and the figures behind it."""

    dissatisfied: int
    base: int
    share: str  # e.g. "30.00%" (exact) or "约33.33%"
    flagged: bool
    formula: str  # the cross-multiplication, e.g. "30×100=3000 ≥ 100×30=3000"
    text: str
    percent: int
    inclusive: bool
    base_kind: EvaluationBase
    article: Article


def evaluate(t: Tally, policy: EvaluationPolicy = DEFAULT_EVALUATION_POLICY) -> EvaluationDecision:
    """Compare the dissatisfied share with the bar: ``dissatisfied × 100 ≥ percent × base``
    (inclusive) or ``>`` (strict). Raises ValueError on an inconsistent tally."""
    errors = tally_errors(t, policy.base)
    if errors:
        raise ValueError("; ".join(message for _, message in errors))
    base = t.returned if policy.base == "returned" else t.rated
    share = policy.share
    flagged = share.met(t.dissatisfied, base)
    shown = percent_text(t.dissatisfied, base)
    rule = policy.describe()
    if flagged:
        text = f"不满意率{shown}，已达到标准（{rule}），不得再提名为候选人"
    else:
        text = f"不满意率{shown}，未达到标准（{rule}）"
    return EvaluationDecision(
        dissatisfied=t.dissatisfied,
        base=base,
        share=shown,
        flagged=flagged,
        formula=share.formula(t.dissatisfied, base),
        text=text,
        percent=policy.percent,
        inclusive=policy.inclusive,
        base_kind=policy.base,
        article=policy.article,
    )


# --------------------------------------------------------------------------- #
# Election staff: training and exclusions


@dataclass(frozen=True, slots=True)
class TrainingPolicy:
    """A trainee passes with a score at or above ``pass_mark`` (local practice, default 85)."""

    pass_mark: int = 85
    article: Article = field(default_factory=lambda: local_policy("", "选举工作人员培训合格分数"))

    def __post_init__(self) -> None:
        if not 0 <= self.pass_mark <= 100:
            raise ValueError(f"the pass mark must be 0–100, got {self.pass_mark}")


DEFAULT_TRAINING_POLICY: Final = TrainingPolicy()


def score_error(score: int) -> str | None:
    """The message for a score outside 0–100, else None."""
    if not 0 <= score <= 100:
        return f"成绩应为 0 至 100 分，收到 {score}"
    return None


@dataclass(frozen=True, slots=True)
class TrainingDecision:
    score: int
    pass_mark: int
    passed: bool
    text: str
    article: Article


def training_result(
    score: int, policy: TrainingPolicy = DEFAULT_TRAINING_POLICY
) -> TrainingDecision:
    """``score ≥ pass_mark`` passes (达到合格分数线即合格)."""
    error = score_error(score)
    if error:
        raise ValueError(error)
    passed = score >= policy.pass_mark
    word = "合格" if passed else "不合格"
    op = "≥" if passed else "<"
    return TrainingDecision(
        score=score,
        pass_mark=policy.pass_mark,
        passed=passed,
        text=f"{score}分 {op} 合格分数线{policy.pass_mark}分，{word}",
        article=policy.article,
    )


@dataclass(frozen=True, slots=True)
class StaffDecision:
    allowed: bool
    reasons: tuple[str, ...]
    articles: tuple[Article, ...]

    @property
    def text(self) -> str:
        return "；".join(self.reasons)


def staff_decision(
    results: Sequence[TrainingDecision], exclusions: Sequence[str] = ()
) -> StaffDecision:
    """Whether a person may serve as election staff: they passed a training test, and no
    exclusion applies (a candidate or a candidate's near relative, 规程 [S]).

    ``results`` are the person's recorded training outcomes, each with the pass mark applied
    at the time; ``exclusions`` are reasons (in Chinese) found by the caller."""
    articles: list[Article] = []
    reasons: list[str] = []
    passed = [r for r in results if r.passed]
    if passed:
        best = max(passed, key=lambda r: r.score)
        reasons.append(f"培训考试{best.text}")
        articles.append(best.article)
    elif results:
        best = max(results, key=lambda r: r.score)
        reasons.append(f"培训考试未合格（最高{best.text}）")
        articles.append(best.article)
    else:
        reasons.append("未参加选举工作人员培训考试")
    if exclusions:
        reasons.extend(exclusions)
        articles.append(REGULATION_STAFF)
    return StaffDecision(bool(passed) and not exclusions, tuple(reasons), tuple(articles))


# --------------------------------------------------------------------------- #
# What keeps the preparation stage from closing


def audit_publication_error(published_on: date, election_day: date) -> str | None:
    """组织法 第三十五条第二款: the 离任经济责任审计 result is published *before* the election
    (选举之前: the day before election day at the latest)."""
    if published_on >= election_day:
        return (
            f"离任经济责任审计结果应当在选举之前公布（{ORGANIC_LAW_AUDIT}），"
            f"公布日期{published_on:%Y-%m-%d}不早于选举日{election_day:%Y-%m-%d}"
        )
    return None


@dataclass(frozen=True, slots=True)
class PreparationState:
    """What the records of one election show (counted by the caller)."""

    evaluation_required: bool
    evaluations: int
    evaluations_unpublished: int
    audit_recorded: bool
    audit_published: bool
    risk_assessed: bool


def preparation_blockers(s: PreparationState) -> list[str]:
    """Reasons, in Chinese, the preparation stage cannot close yet (empty: none).

    The outgoing committee's audit result is recorded and published (组织法 第三十五条第二款:
    before the next election). Local practice, decided here: where the campaign requires
    民主测评, at least one incumbent is evaluated and every result is published; the
    village's risk level is assessed.
    """
    reasons = []
    if s.evaluation_required:
        if s.evaluations == 0:
            reasons.append("尚未录入民主测评结果")
        elif s.evaluations_unpublished:
            reasons.append(f"有{s.evaluations_unpublished}项民主测评结果尚未公布")
    if not s.audit_recorded:
        reasons.append(
            f"尚未录入村民委员会离任经济责任审计结果（{ORGANIC_LAW_AUDIT}：应在选举前公布）"
        )
    elif not s.audit_published:
        reasons.append(f"离任经济责任审计结果尚未公布（{ORGANIC_LAW_AUDIT}：应在选举前公布）")
    if not s.risk_assessed:
        reasons.append("尚未进行风险研判（评定风险等级）")
    return reasons
