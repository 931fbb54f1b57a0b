"""Ballot-by-ballot entry of a box against its drawing (docs/state-machines/ballot-entry.md),
the keyboard language, the verdict shown while typing, reconciliation and the totals sheet."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from huanjie.core import entry
from huanjie.core.count import decide_round, parse_round
from huanjie.core.count import entry_ballots as eb
from huanjie.core.count.ballots import Policy, tally
from huanjie.core.count.entry_ballots import (
    BOX_TRANSITIONS,
    BoxAction,
    BoxState,
    Layout,
    Marks,
    Progress,
)
from huanjie.core.count.model import Box
from huanjie.core.entry import EntryError
from huanjie.core.rules import load_profile, resolve_profile

DRAWING = Path(__file__).parents[2] / "docs" / "state-machines" / "ballot-entry.md"
ZJ = load_profile("village/zhejiang")
NATIONAL = load_profile("village/national")

POSTS = [
    {"name": "主任", "seats": 1},
    {"name": "副主任", "seats": 1},
    {"name": "妇女委员", "seats": 1, "women_only": True},
    {"name": "委员", "seats": 2},
]
CANDIDATES = [
    {"post": "主任", "name": "王一", "label": "王一"},
    {"post": "主任", "name": "李二"},
    {"post": "副主任", "name": "张三"},
    {"post": "副主任", "name": "赵四"},
    {"post": "妇女委员", "name": "刘芳", "sex": "F"},
    {"post": "妇女委员", "name": "陈静", "sex": "F"},
    {"post": "委员", "name": "杨五"},
    {"post": "委员", "name": "黄六"},
    {"post": "委员", "name": "周七"},
]
LAYOUT = eb.layout_of(POSTS, CANDIDATES, write_ins_allowed=True)


def drawn() -> tuple[dict[tuple[BoxState, BoxAction], BoxState], str]:
    block = re.findall(r"```mermaid\n(.*?)```", DRAWING.read_text(encoding="utf-8"), re.S)[0]
    lines = re.findall(r"^\s*(\w+) --> (\w+) : (\w+)\s*$", block, re.M)
    (start,) = re.findall(r"^\s*\[\*\] --> (\w+)\s*$", block, re.M)
    return {(BoxState(a), BoxAction(act)): BoxState(b) for a, b, act in lines}, start


def test_code_matches_the_drawing() -> None:
    transitions, start = drawn()
    assert transitions == dict(BOX_TRANSITIONS)
    assert BoxState(start) is Progress(collected=3).state
    assert {a for _, a in transitions} == set(BoxAction)


# --- Keyboard language -------------------------------------------------------------------------


def test_keys_name_candidates_in_ballot_order() -> None:
    m = eb.parse_keys(LAYOUT, ["2", "", "1", "31"])
    assert m.sections == (
        (("李二",), (), False),
        ((), (), False),
        (("刘芳",), (), False),
        (("杨五", "周七"), (), False),
    )
    assert eb.describe(LAYOUT, m) == "主任：李二；副主任：空白；妇女委员：刘芳；委员：杨五、周七"
    assert m.to_json(LAYOUT) == {
        "主任": {"yes": ["李二"]},
        "妇女委员": {"yes": ["刘芳"]},
        "委员": {"yes": ["杨五", "周七"]},
    }


def test_write_ins_unreadable_and_doubtful() -> None:
    m = eb.parse_keys(LAYOUT, ["+孙八", "x", "0", "1 ~吴九 ?"])
    assert m.doubtful
    assert m.sections[0] == ((), (("孙八", True),), False)
    assert m.sections[1] == ((), (), True)
    assert m.sections[3] == (("杨五",), (("吴九", False),), False)
    assert m.to_json(LAYOUT)["委员"] == {
        "yes": ["杨五"],
        "write_in": [{"name": "吴九", "marked": False}],
    }
    whole = eb.parse_keys(LAYOUT, ["*", "", "", ""])
    assert whole.unreadable
    assert whole.ballot() is None
    assert whole.to_json(LAYOUT) == {"unreadable": True}


@pytest.mark.parametrize(
    ("fields", "code", "text"),
    [
        (
            ["3", "", "", ""],
            "unknown_candidate",
            "主任：没有编号 3 的候选人（本职务候选人编号 1–2）",
        ),
        (["", "", "", "1 2 3 +甲 +乙 +丙"], "too_many_marks", "多于候选人数与另选他人空格数之和 5"),
        (["", "", "", "+甲 +乙 +丙"], "too_many_write_ins", "另选他人 3 人，多于选票上的 2 个空格"),
        (["11", "", "", ""], "duplicate_mark", "“王一”录入了两次"),
        (["*", "1", "", ""], "unreadable_with_marks", "整张无法辨认"),
        (["x 1", "", "", ""], "unreadable_with_marks", "主任：已录为无法辨认"),
        (["a", "", "", ""], "bad_token", "无法识别“a”"),
        (["1", "1"], "wrong_fields", "应录入 4 个职务"),
    ],
)
def test_impossible_input_is_refused(fields: list[str], code: str, text: str) -> None:
    with pytest.raises(EntryError) as err:
        eb.parse_keys(LAYOUT, fields)
    assert err.value.code == "has_errors"
    assert code in [f.code for f in err.value.findings]
    assert text in err.value.message


def test_a_write_in_where_the_ballot_has_no_space_is_refused() -> None:
    closed = eb.layout_of(POSTS, CANDIDATES, write_ins_allowed=False)
    assert all(p.write_ins == 0 for p in closed.posts)
    with pytest.raises(EntryError) as err:
        eb.parse_keys(closed, ["+孙八", "", "", ""])
    assert [f.code for f in err.value.findings] == ["no_write_ins"]
    assert "主任：选票上本职务没有另选他人栏" in err.value.message
    with pytest.raises(EntryError):
        eb.from_json(closed, {"主任": {"write_in": ["孙八"]}})


def test_ten_or_more_candidates_take_whole_numbers() -> None:
    many = eb.layout_of(
        [{"name": "委员", "seats": 3}],
        [{"post": "委员", "name": f"候选{i}"} for i in range(1, 13)],
        write_ins_allowed=True,
    )
    m = eb.parse_keys(many, ["12 3"])
    assert m.sections[0][0] == ("候选3", "候选12")
    with pytest.raises(EntryError):
        eb.parse_keys(many, ["13"])


def test_json_input_is_checked_like_the_keyboard() -> None:
    m = eb.from_json(LAYOUT, {"委员": {"yes": ["周七", "杨五"]}, "主任": {"write_in": ["孙八"]}})
    assert m == eb.parse_keys(LAYOUT, ["+孙八", "", "", "13"])
    for bad, code in [
        ({"书记": {"yes": []}}, "unknown_post"),
        ({"主任": {"yes": ["张三"]}}, "unknown_candidate"),
        ({"主任": {"yes": ["王一", "李二"], "write_in": ["甲", "乙"]}}, "too_many_marks"),
        ({"主任": {"no": []}}, "bad_section"),
        ({"unreadable": True, "主任": {}}, "unreadable_with_marks"),
        ([], "bad_ballot"),
    ]:
        with pytest.raises(EntryError) as err:
            eb.from_json(LAYOUT, bad)
        assert code in [f.code for f in err.value.findings], bad


@st.composite
def marks(draw: st.DrawFn, layout: Layout = LAYOUT) -> Marks:
    if draw(st.integers(0, 9)) == 0:
        return Marks((), unreadable=True, doubtful=draw(st.booleans()))
    sections = []
    for post in layout.posts:
        if draw(st.integers(0, 9)) == 0:
            sections.append(((), (), True))
            continue
        yes = draw(st.lists(st.sampled_from(post.candidates), unique=True))
        wins = draw(
            st.lists(
                st.tuples(st.sampled_from(["孙八", "吴九", "郑十", "王一"]), st.booleans()),
                max_size=post.write_ins,
            )
        )
        order = {n: i for i, n in enumerate(post.candidates)}
        sections.append((tuple(sorted(yes, key=order.__getitem__)), tuple(sorted(wins)), False))
    return Marks(tuple(sections), doubtful=draw(st.booleans()))


@given(marks())
def test_keys_and_json_give_back_the_same_ballot(m: Marks) -> None:
    assert eb.parse_keys(LAYOUT, eb.keys_of(LAYOUT, m)) == m
    assert eb.from_json(LAYOUT, m.to_json(LAYOUT), doubtful=m.doubtful) == m


@given(st.lists(marks(), max_size=12))
def test_stored_ballots_read_back_through_the_round_format(entered: list[Marks]) -> None:
    """What counting stores is what the core reads: parse.py gives back the same ballots."""
    data: dict[str, Any] = {
        "schema": "huanjie.round/1",
        "profile": "village/zhejiang",
        "kind": "regular",
        "electorate": 100,
        "issued": len(entered),
        "collected": len(entered),
        "posts": POSTS,
        "candidates": [
            {"name": c["name"], "post": c["post"], "sex": c.get("sex")} for c in CANDIDATES
        ],
        "ballots": [m.to_json(LAYOUT) for m in entered],
    }
    r = parse_round(data, load_profile)
    assert list(r.ballots or []) == [m.ballot() for m in entered]


@given(marks(), marks())
def test_differences_are_empty_exactly_when_the_entries_agree(a: Marks, b: Marks) -> None:
    assert (eb.differences(LAYOUT, a, b) == ()) == eb.same(a, b)
    assert eb.differences(LAYOUT, a, a) == ()


# --- Verdict as typed -------------------------------------------------------------------------


def test_an_overmarked_ballot_is_taken_with_a_warning_and_the_article() -> None:
    a = eb.assess(LAYOUT, eb.parse_keys(LAYOUT, ["12", "", "", ""]), ZJ)
    assert a.valid is False
    assert a.summary == "无效票（所选人数多于应选名额）"
    assert "主任选 2 人，应选 1 名" in a.warnings[0].message
    assert "浙江省村民委员会选举办法 第二十七条第三款" in a.warnings[0].message
    # A write-in counts toward the cap in Zhejiang.
    b = eb.assess(LAYOUT, eb.parse_keys(LAYOUT, ["1 +孙八", "", "", ""]), ZJ)
    assert b.valid is False


def test_one_person_on_two_posts_and_doubtful_ballots() -> None:
    a = eb.assess(LAYOUT, eb.parse_keys(LAYOUT, ["+张三", "1", "", ""]), ZJ)
    assert a.valid is False
    assert "同一人被选为两个以上职务" in a.summary
    d = eb.assess(LAYOUT, eb.parse_keys(LAYOUT, ["1 ?", "", "", ""]), ZJ)
    assert d.valid is None
    assert d.summary == "待决定（按所录为有效票）"
    assert "第二十七条第四款" in d.warnings[0].message
    blank = eb.assess(LAYOUT, eb.parse_keys(LAYOUT, ["", "", "", ""]), ZJ)
    assert (blank.valid, blank.summary, blank.warnings) == (True, "有效票（空白）", ())


def test_a_section_void_under_a_section_rule() -> None:
    profile = resolve_profile(
        {
            "schema": "huanjie.profile/1",
            "id": "test/sections",
            "extends": "village/national",
            "title": "栏内作废",
            "election_type": "village",
            "params": {
                "overmark": {"value": "section", "citation": {"law": "测试规则", "ref": "第一条"}}
            },
        }
    )
    a = eb.assess(LAYOUT, eb.parse_keys(LAYOUT, ["12", "1", "", ""]), profile)
    assert a.valid is True
    assert a.summary == "有效票（部分职务不计）"
    assert a.warnings[0].key == "主任"
    assert a.counted == (None, ("张三",), (), ())


@given(st.lists(marks(), max_size=20))
def test_the_verdict_shown_is_the_one_the_core_counts(entered: list[Marks]) -> None:
    t = tally([m.ballot() for m in entered], LAYOUT.core_posts(), Policy.of(ZJ))
    shown = Counter(eb.assess(LAYOUT, replace(m, doubtful=False), ZJ).valid for m in entered)
    assert shown[True] == t.valid
    assert shown[False] == t.invalid


# --- The per-box machine against a model that keeps every ballot ------------------------------

PEOPLE = ["甲", "乙", "丙", "丁"]
SIMPLE = eb.layout_of(
    [{"name": "主任", "seats": 1}],
    [{"post": "主任", "name": "王一"}, {"post": "主任", "name": "李二"}],
    write_ins_allowed=False,
)
ONE = eb.parse_keys(SIMPLE, ["1"])
TWO = eb.parse_keys(SIMPLE, ["2"])


class BoxMachine(RuleBasedStateMachine):
    """Random clerks record, correct, settle and discard; the pure machine must follow the
    drawing and agree with a model holding every ballot."""

    def __init__(self) -> None:
        super().__init__()
        self.collected = 3
        self.p, action = eb.start(self.collected)
        assert action is None
        self.passes: list[list[Marks]] = [[], []]
        self.settled: dict[int, Marks] = {}

    def unsettled(self) -> int:
        return sum(
            1
            for i, (a, b) in enumerate(zip(*self.passes, strict=False), start=1)
            if a != b and i not in self.settled
        )

    def _apply(self, before: Progress, after: Progress, action: BoxAction) -> None:
        assert BOX_TRANSITIONS[(before.state, action)] is after.state
        self.p = after

    @rule(
        pass_no=st.sampled_from([1, 2]),
        who=st.sampled_from(PEOPLE),
        ballot=st.sampled_from([ONE, TWO]),
        skip=st.integers(-1, 1),
    )
    def record(self, pass_no: int, who: str, ballot: Marks, skip: int) -> None:
        i = pass_no - 1
        position = len(self.passes[i]) + 1 + skip
        before = self.p
        try:
            after, action = eb.record(before, pass_no, position, who, self.unsettled_if(i, ballot))
        except EntryError:
            assert (
                before.state is not BoxState.ENTERING
                or skip != 0
                or before.clerks[1 - i] == who
                or before.clerks[i] not in (None, who)
                or position > self.collected
            )
            return
        assert skip == 0
        self.passes[i].append(ballot)
        self._apply(before, after, action)

    def unsettled_if(self, i: int, ballot: Marks) -> Any:
        def count() -> int:
            passes = [list(self.passes[0]), list(self.passes[1])]
            passes[i].append(ballot)
            return sum(
                1
                for k, (a, b) in enumerate(zip(*passes, strict=False), start=1)
                if a != b and k not in self.settled
            )

        return count

    @rule(
        pass_no=st.sampled_from([1, 2]),
        who=st.sampled_from(PEOPLE),
        ballot=st.sampled_from([ONE, TWO]),
        position=st.integers(1, 3),
    )
    def correct(self, pass_no: int, who: str, ballot: Marks, position: int) -> None:
        before = self.p
        if position in self.settled:
            return  # the service refuses a settled position before asking the machine
        try:
            after, action = eb.correct(before, pass_no, position, who)
        except EntryError:
            assert (
                before.state is not BoxState.ENTERING
                or before.clerks[pass_no - 1] != who
                or position > len(self.passes[pass_no - 1])
            )
            return
        self.passes[pass_no - 1][position - 1] = ballot
        self._apply(before, after, action)

    @rule(who=st.sampled_from(PEOPLE), keep=st.sampled_from([0, 1]))
    def settle(self, who: str, keep: int) -> None:
        differing = [
            k
            for k, (a, b) in enumerate(zip(*self.passes, strict=False), start=1)
            if a != b and k not in self.settled
        ]
        if not differing:
            return  # the service only settles a position where the passes differ
        before = self.p
        try:
            after, action = eb.settle(before, who, len(differing) - 1)
        except EntryError:
            assert before.state is BoxState.DEFINITIVE or who in before.clerks
            return
        k = differing[0]
        self.settled[k] = self.passes[keep][k - 1]
        self._apply(before, after, action)

    @rule(pass_no=st.sampled_from([1, 2]), who=st.sampled_from(PEOPLE))
    def discard(self, pass_no: int, who: str) -> None:
        before = self.p
        try:
            after, action = eb.discard_pass(before, pass_no, who)
        except EntryError:
            assert before.state is BoxState.DEFINITIVE or who in before.clerks
            return
        self.passes[pass_no - 1] = []
        self.settled = {}
        self._apply(before, after, action)

    @rule(who=st.sampled_from(PEOPLE), reason=st.sampled_from(["", "重新点票"]))
    def reopen(self, who: str, reason: str) -> None:
        before = self.p
        try:
            after, action = eb.reopen(before, who, reason)
        except EntryError:
            assert before.state is not BoxState.DEFINITIVE or not reason
            return
        self.passes, self.settled = [[], []], {}
        self._apply(before, after, action)

    @invariant()
    def agrees_with_the_model(self) -> None:
        p = self.p
        assert p.entered == (len(self.passes[0]), len(self.passes[1]))
        complete = p.entered == (self.collected, self.collected)
        if not complete:
            assert p.state is BoxState.ENTERING
        elif self.unsettled() == 0:
            assert p.state is BoxState.DEFINITIVE
        else:
            assert p.state is BoxState.ENTRIES_DIFFERENT
        assert p.clerks[0] is None or p.clerks[0] != p.clerks[1]


TestBoxMachine = BoxMachine.TestCase
TestBoxMachine.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)


def test_an_empty_box_is_complete_at_once() -> None:
    p, action = eb.start(0)
    assert (p.state, action) == (BoxState.DEFINITIVE, BoxAction.COMPLETE_AGREED)


def test_clerk_rules_in_words() -> None:
    p = Progress(collected=2)
    p, _ = eb.record(p, 1, 1, "甲", lambda: 0)
    with pytest.raises(EntryError, match="第二遍（核对录入）须由另一名录入人独立录入") as err:
        eb.record(p, 2, 1, "甲", lambda: 0)
    assert err.value.code == "same_clerk"
    with pytest.raises(EntryError, match="本票箱收回选票 2 张，第 3 张超出了收回选票数"):
        eb.record(p, 1, 3, "甲", lambda: 0)
    with pytest.raises(EntryError, match="应录入第 2 张，收到的是第 4 张"):
        eb.record(Progress(collected=9, entered=(1, 0), clerks=("甲", None)), 1, 4, "甲", lambda: 0)
    with pytest.raises(EntryError) as err:
        eb.settle(p, "甲", 0)
    assert err.value.code == "coordinator_is_clerk"


# --- Reconciliation ---------------------------------------------------------------------------


def box_profile(against: str, scope: str) -> Any:
    return resolve_profile(
        {
            "schema": "huanjie.profile/1",
            "id": f"test/{against}-{scope}",
            "extends": "village/zhejiang",
            "title": "核对测试",
            "election_type": "village",
            "params": {
                "reconcile": {
                    "value": {"against": against, "scope": scope},
                    "citation": {"law": "测试规则", "ref": "第二条"},
                }
            },
        }
    )


def test_reconcile_a_box_with_its_article() -> None:
    ok = eb.reconcile_box(ZJ, "一号箱", 40, 41, 42)
    assert (ok.code, ok.level) == ("box_reconciled", "info")
    assert ok.article == "浙江省村民委员会选举办法 第二十七条第二款"
    over = eb.reconcile_box(ZJ, "一号箱", 42, 41, 42)
    assert (over.code, over.level) == ("box_exceeds", "warning")
    assert "多于本票箱投票人数 41" in over.text
    void = eb.reconcile_box(box_profile("issued", "box"), "一号箱", 43, 41, 42)
    assert (void.code, void.level) == ("ballots_exceed_issued", "error")
    finding = eb.reconcile_findings(ZJ, "一号箱", 41, 42)({"collected": 42})
    assert [f.code for f in finding] == ["box_exceeds"]
    assert [f.code for f in eb.reconcile_findings(ZJ, "一号箱", 41, 42)({"x": 1})] == [
        "unknown_key"
    ]


figures = st.tuples(
    st.integers(0, 30),
    st.one_of(st.none(), st.integers(0, 30)),
    st.one_of(st.none(), st.integers(0, 30)),
)


@given(
    st.sampled_from(["voters", "issued"]),
    st.sampled_from(["box", "round"]),
    st.lists(figures, min_size=1, max_size=4),
)
def test_box_and_round_reconciliation_agree_with_decide_round(
    against: str, scope: str, boxes: list[tuple[int, int | None, int | None]]
) -> None:
    profile = box_profile(against, scope)
    core_boxes = [Box(f"箱{i}", c, v, s) for i, (c, v, s) in enumerate(boxes)]
    round_reasons = eb.reconcile_round(profile, core_boxes)
    decision = round_reasons[-1]
    # decide_round's own first step, fed the same boxes.
    from huanjie.core.count.model import RoundInput

    r = RoundInput(
        profile=profile,
        kind="regular",
        electorate=1000,
        issued=sum(b.issued or 0 for b in core_boxes),
        collected=sum(b.collected for b in core_boxes),
        posts=(),
        candidates=(),
        boxes=tuple(core_boxes),
        totals={},
    )
    outcome = decide_round(r)
    assert (decision.level == "error") == (
        not outcome.valid
        and outcome.next_round == "rerun"
        and outcome.reasons[-1].code.startswith("ballots_exceed")
    )
    if scope == "box":
        box_errors = [
            eb.reconcile_box(profile, b.name, b.collected, b.voters, b.issued).level == "error"
            for b in core_boxes
        ]
        if any(b.voters is not None or b.issued is not None for b in core_boxes):
            assert any(box_errors) == (decision.level == "error")


# --- Totals sheet -----------------------------------------------------------------------------


def test_totals_sheet_findings_and_totals() -> None:
    validate = eb.totals_findings(LAYOUT, "一号箱", 20)
    counts = {
        "invalid": 2,
        eb.votes_key("主任", "王一"): 12,
        eb.votes_key("主任", "李二"): 5,
        eb.write_in_key("主任", "孙八"): 1,
        eb.votes_key("委员", "杨五"): 18,
        eb.votes_key("委员", "黄六"): 15,
    }
    assert validate(counts) == []
    assert eb.totals_of(LAYOUT, counts) == (
        2,
        {
            "主任": {"王一": 12, "李二": 5, "孙八": 1},
            "副主任": {},
            "妇女委员": {},
            "委员": {"杨五": 18, "黄六": 15},
        },
    )
    bad = {
        "invalid": 21,
        eb.votes_key("主任", "张三"): 1,
        "votes:书记:王一": 1,
        eb.votes_key("委员", "杨五"): 19,
    }
    codes = sorted(f.code for f in validate(bad))
    assert codes == sorted(
        [
            "invalid_exceeds_collected",
            "unknown_candidate",
            "unknown_key",
            "votes_exceed_valid",
            "votes_exceed_capacity",
        ]
    )
    closed = eb.layout_of(POSTS, CANDIDATES, write_ins_allowed=False)
    found = eb.totals_findings(closed, "一号箱", 20)({eb.write_in_key("主任", "孙八"): 1})
    assert [f.code for f in found] == ["no_write_ins"]
    warn = validate({eb.write_in_key("主任", "王一"): 1})
    assert [(f.code, f.level) for f in warn] == [("write_in_is_candidate", "warning")]


def test_a_totals_sheet_goes_through_the_double_entry_machine() -> None:
    validate = eb.totals_findings(LAYOUT, "一号箱", 10)
    sheet, _ = entry.submit(
        entry.Sheet(), "甲", {"invalid": 1, eb.votes_key("主任", "王一"): 9}, validate=validate
    )
    sheet, action = entry.submit(
        sheet, "乙", {"invalid": 1, eb.votes_key("主任", "王一"): 8}, validate=validate
    )
    assert action is entry.EntryAction.SECOND_DIFFERS
    with pytest.raises(EntryError):
        entry.submit(entry.Sheet(), "甲", {"invalid": 11}, validate=validate)
