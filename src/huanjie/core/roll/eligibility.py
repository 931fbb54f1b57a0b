"""Who may be registered to vote in a village election (选民资格), with the article for each answer.

村民委员会组织法 第十三条 [V] (rules.md §1):

* 第一款: villagers who have reached 18 (年满十八周岁) may vote, except those deprived of
  political rights by law (依照法律被剥夺政治权利的人除外).
* 第二款: three ways onto the roll of a village —
  (一) 户籍在本村并且在本村居住的村民;
  (二) 户籍在本村，不在本村居住，本人表示参加选举的村民;
  (三) 户籍不在本村，在本村居住一年以上，本人申请参加选举，并且经村民会议或者村民代表会议
  同意参加选举的公民.
* 第三款: 已在户籍所在村或者居住村登记参加选举的村民，不得再参加其他地方村民委员会的选举
  (nobody votes in two places: see :mod:`huanjie.core.roll.dedup`).

Age is reckoned on the village's election day, the birthday itself counting
(:func:`huanjie.core.roll.idcard.is_of_age`; 浙江 第十二条, 北京 第十二条 "计算到选举日为止").
"一年以上" includes one year exactly (民法典 第一千二百五十九条), reckoned like age: someone
living in the village since 2025-12-20 has lived there one year on 2026-12-20.

Two further grounds keep a person off the roll of one election:

* 停止行使选举权利 (suspended): 全国人民代表大会常务委员会关于县级以下人民代表大会代表直接
  选举的若干规定 (1983) 第四条 [V text]: people held in custody for serious criminal cases
  under investigation, prosecution or trial, when the procuratorate or court so decides,
  do not exercise the right to vote while held. That text governs people's congress
  elections; applying it to village elections is an analogy that provincial rules make in
  varying words — tagged ``U``.
* 不能行使选举权利 (incapacitated): the same 若干规定 第三条 [V text] — a person with a mental
  illness who cannot exercise the right to vote, confirmed by the election committee; many
  provincial village rules repeat it ("经村民选举委员会确认，不列入选民名单" [S]) — tagged
  ``S``.

Pure: the caller gathers the facts (from the register and the committee's records) and
stores the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final

from huanjie.core.citations import CIVIL_CODE_COUNTING_WORDS, Article
from huanjie.core.roll.idcard import is_of_age

__all__ = [
    "AGE",
    "CATEGORY_ARTICLES",
    "DEPRIVED",
    "INCAPACITATED",
    "NO_DOUBLE_REGISTRATION",
    "SUSPENDED",
    "Category",
    "Decider",
    "Decision",
    "Facts",
    "Reason",
    "Rules",
    "decide",
    "has_lived",
    "latest_birth_of_age",
]

_ORG_LAW = "村民委员会组织法"
_DIRECT_1983 = "全国人民代表大会常务委员会关于县级以下人民代表大会代表直接选举的若干规定"

AGE: Final = Article(_ORG_LAW, "第十三条第一款")
DEPRIVED: Final = Article(_ORG_LAW, "第十三条第一款")
CATEGORY_ARTICLES: Final = {
    "resident": Article(_ORG_LAW, "第十三条第二款第一项"),
    "away_opted_in": Article(_ORG_LAW, "第十三条第二款第二项"),
    "nonlocal_resident": Article(_ORG_LAW, "第十三条第二款第三项"),
}
NO_DOUBLE_REGISTRATION: Final = Article(_ORG_LAW, "第十三条第三款")
SUSPENDED: Final = Article(_DIRECT_1983, "第四条", "U")
INCAPACITATED: Final = Article(_DIRECT_1983, "第三条", "S")


class Category(StrEnum):
    """The three ways onto a village roll (第十三条第二款); values match the database."""

    RESIDENT = "resident"
    AWAY_OPTED_IN = "away_opted_in"
    NONLOCAL_RESIDENT = "nonlocal_resident"


CATEGORY_LABELS: Final = {
    Category.RESIDENT: "户籍在本村并居住",
    Category.AWAY_OPTED_IN: "户籍在本村不居住，本人表示参加选举",
    Category.NONLOCAL_RESIDENT: "户籍不在本村，居住一年以上，经村民会议或村民代表会议同意",
}


@dataclass(frozen=True, slots=True)
class Rules:
    """Thresholds of registration; the defaults are the national law's.

    A province that differs (e.g. a longer residence requirement) passes its own values
    and articles.
    """

    min_age: int = 18
    age_article: Article = AGE
    residence_years: int = 1
    residence_article: Article = CATEGORY_ARTICLES["nonlocal_resident"]


NATIONAL: Final = Rules()


@dataclass(frozen=True, slots=True)
class Facts:
    """What the register and the committee's records say about one person.

    ``opted_in``: for category 2, whether the person said they will take part (None: not
    recorded). ``residence_since``: for category 3, the day they began living in the
    village. ``consent_ref``: for category 3, the reference of the 村民会议/村民代表会议
    decision agreeing to their registration (empty: none recorded).
    """

    birth_date: date
    category: Category = Category.RESIDENT
    opted_in: bool | None = None
    residence_since: date | None = None
    consent_ref: str = ""
    deprived: bool = False
    suspended: bool = False
    incapacitated: bool = False


@dataclass(frozen=True, slots=True)
class Reason:
    """One ground of the decision: a stable code, a Chinese sentence, and its article."""

    code: str
    message_zh: str
    article: Article

    def __str__(self) -> str:
        return f"{self.message_zh}（{self.article}）"


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether the person is registered, under which category, and why.

    When ``eligible`` the reasons are the grounds met; otherwise they are every condition
    that fails (all of them, not only the first), so the clerk sees the whole answer.
    """

    eligible: bool
    category: Category
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def text(self) -> str:
        """The reasons as one line, for the roll's 原因 column."""
        return "；".join(str(r) for r in self.reasons)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def has_lived(since: date, day: date, years: int) -> bool:
    """Whether someone living somewhere since ``since`` has lived there ``years`` years on ``day``.

    "一年以上" includes the number itself (民法典 第一千二百五十九条), and is reckoned like
    age: from 2025-12-20, one year is reached on 2026-12-20 (same rule for 29 February as
    :func:`huanjie.core.roll.idcard.age_on`).
    """
    return is_of_age(since, day, years)


# Decisions shared by every person in the same situation (a roll of 200,000 rows mostly
# repeats a handful of outcomes); built once per (rules, category). Keyed by the identity
# of the rules object: hashing its articles for every row would cost more than deciding.
_GROUNDS: dict[tuple[int, Category], Decision] = {}
_KEEP: list[Rules] = []  # keeps every keyed rules object alive, so its id is never reused


def _granted(rules: Rules, category: Category) -> Decision:
    key = (id(rules), category)
    found = _GROUNDS.get(key)
    if found is None:
        if len(_KEEP) > 64:  # callers building Rules per person: stop caching
            return Decision(True, category, _grounds(rules, category))
        _KEEP.append(rules)
        found = _GROUNDS[key] = Decision(True, category, _grounds(rules, category))
    return found


def _grounds(rules: Rules, category: Category) -> tuple[Reason, ...]:
    age = Reason("of_age", f"选举日年满{rules.min_age}周岁", rules.age_article)
    cat = Reason(f"category_{category.value}", CATEGORY_LABELS[category], _category(category))
    return (age, cat)


def _category(category: Category) -> Article:
    return CATEGORY_ARTICLES[category.value]


def latest_birth_of_age(day: date, years: int) -> date:
    """The latest birth date of someone who has reached ``years`` on ``day``: births on or
    before it are of age (:func:`huanjie.core.roll.idcard.is_of_age`, the birthday counting,
    29 February reaching the year on 1 March of a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # day is 29 February and the year ``years`` earlier is common
        return date(day.year - years, 2, 28)


class Decider:
    """:func:`decide` for many people of one election: the age limit is computed once and
    the common outcome is shared, for rolls of hundreds of thousands of rows. Gives the
    same decisions as :func:`decide` (a property test compares them)."""

    __slots__ = ("_cutoff", "_day", "_granted", "_rules")

    def __init__(self, election_day: date, rules: Rules = NATIONAL) -> None:
        self._day = election_day
        self._rules = rules
        self._cutoff = latest_birth_of_age(election_day, rules.min_age)
        self._granted = {c: _granted(rules, c) for c in Category}

    def __call__(
        self,
        birth_date: date,
        category: Category = Category.RESIDENT,
        opted_in: bool | None = None,
        residence_since: date | None = None,
        consent_ref: str = "",
        deprived: bool = False,
        suspended: bool = False,
        incapacitated: bool = False,
    ) -> Decision:
        if (
            birth_date <= self._cutoff
            and category is Category.RESIDENT
            and not (deprived or suspended or incapacitated)
        ):
            return self._granted[category]
        return decide(
            Facts(
                birth_date,
                category,
                opted_in,
                residence_since,
                consent_ref,
                deprived,
                suspended,
                incapacitated,
            ),
            self._day,
            self._rules,
        )


def decide(facts: Facts, election_day: date, rules: Rules = NATIONAL) -> Decision:
    """Decide one person's registration for the election held on ``election_day``."""
    category = facts.category
    refusals: list[Reason] = []
    if not is_of_age(facts.birth_date, election_day, rules.min_age):
        refusals.append(
            Reason(
                "under_age",
                f"选举日（{election_day.isoformat()}）未满{rules.min_age}周岁",
                rules.age_article,
            )
        )
    if facts.deprived:
        refusals.append(Reason("deprived", "依法被剥夺政治权利", DEPRIVED))
    if facts.suspended:
        refusals.append(
            Reason("suspended", "经人民检察院或者人民法院决定停止行使选举权利", SUSPENDED)
        )
    if facts.incapacitated:
        refusals.append(
            Reason("incapacitated", "不能行使选举权利，经村民选举委员会确认", INCAPACITATED)
        )
    if category is Category.AWAY_OPTED_IN and facts.opted_in is not True:
        refusals.append(
            Reason(
                "not_opted_in",
                "户籍在本村不在本村居住，本人未表示参加选举",
                _category(category),
            )
        )
    if category is Category.NONLOCAL_RESIDENT:
        since = facts.residence_since
        if since is None:
            refusals.append(
                Reason(
                    "residence_unknown",
                    "户籍不在本村，未填写在本村居住的起始日期",
                    rules.residence_article,
                )
            )
        elif not has_lived(since, election_day, rules.residence_years):
            refusals.append(
                Reason(
                    "residence_short",
                    f"自 {since.isoformat()} 起在本村居住，至选举日不满{rules.residence_years}年"
                    f"（“以上”包括本数，{CIVIL_CODE_COUNTING_WORDS}）",
                    rules.residence_article,
                )
            )
        if not facts.consent_ref.strip():
            refusals.append(
                Reason(
                    "no_consent",
                    "户籍不在本村，未经村民会议或者村民代表会议同意参加选举",
                    _category(category),
                )
            )
    if refusals:
        return Decision(False, category, tuple(refusals))
    return _granted(rules, category)
