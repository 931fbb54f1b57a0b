"""Hypothesis properties of the stroke ordering."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.core.names import Convention, explain, normalize, sort_key, stroke_sort

# Common surname and given-name characters, traditional forms, characters with
# a stroke count only, a few with no data at all, and separators/whitespace.
CHARS = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田由申叶孔巴次衣"
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉华国民红海春晓玲云飞鹏波宇浩亮斌峰东雪"
    "張劉陳楊黃趙吳鄭於乾訚熺𫖯"
    "A7"
)
SEPS = "·• 　"

name_st = st.builds(
    lambda chars, sep, pos: chars[:pos] + sep + chars[pos:],
    st.text(alphabet=CHARS, min_size=1, max_size=5),
    st.sampled_from(["", *SEPS]),
    st.integers(min_value=1, max_value=4),
)
names_st = st.lists(name_st, max_size=40)
convention_st = st.sampled_from(["surname", "fullname"])
overrides_st = st.dictionaries(
    st.sampled_from("王訚熺張A"),
    st.text(alphabet="12345", min_size=1, max_size=12),
    max_size=2,
)


@settings(max_examples=200, deadline=None)
@given(names=names_st, seed=st.randoms(use_true_random=False), convention=convention_st)
def test_order_does_not_depend_on_input_order(
    names: list[str], seed: random.Random, convention: Convention
) -> None:
    shuffled = names[:]
    seed.shuffle(shuffled)
    a = stroke_sort(names, convention=convention)
    b = stroke_sort(shuffled, convention=convention)
    assert sorted(a) == sorted(names)
    # Only names with identical keys (e.g. 張三 / 张三) may trade places.
    assert [sort_key(n, convention=convention) for n in a] == [
        sort_key(n, convention=convention) for n in b
    ]


@settings(max_examples=200, deadline=None)
@given(names=names_st, convention=convention_st, overrides=overrides_st)
def test_stroke_sort_agrees_with_sort_key(
    names: list[str], convention: Convention, overrides: dict[str, str]
) -> None:
    """The fast path (rank strings) and the tuple key give the same order."""
    expected = sorted(names, key=lambda n: sort_key(n, overrides=overrides, convention=convention))
    assert stroke_sort(names, overrides=overrides, convention=convention) == expected


@settings(max_examples=200, deadline=None)
@given(names=names_st, convention=convention_st)
def test_consistent_with_stroke_counts_of_first_characters(
    names: list[str], convention: Convention
) -> None:
    result = stroke_sort(names, convention=convention)
    counts = []
    for n in result:
        first = explain(n).chars[0]
        counts.append(first.strokes if first.source != "unknown" else 10**6)
    assert counts == sorted(counts)


@settings(max_examples=300, deadline=None)
@given(a=name_st, b=name_st, c=name_st, convention=convention_st)
def test_key_is_a_total_order(a: str, b: str, c: str, convention: Convention) -> None:
    ka, kb, kc = (sort_key(x, convention=convention) for x in (a, b, c))
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1
    if ka == kb:
        assert normalize(a) == normalize(b)
    if ka <= kb <= kc:
        assert ka <= kc
    fa, fb = (explain(x).chars[0] for x in (a, b))
    if fa.strokes is not None and fb.strokes is not None and fa.strokes != fb.strokes:
        assert (ka < kb) == (fa.strokes < fb.strokes)
