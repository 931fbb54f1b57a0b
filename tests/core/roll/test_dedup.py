"""Duplicate registrations (第十三条第三款): same ID number, or same normalised name and birth date."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from huanjie.core.roll.dedup import DuplicateGroup, Person, find_duplicates, name_key, pairs

B = date(1990, 1, 2)


def test_name_key_simplifies_and_strips() -> None:
    assert name_key("張 偉") == "张伟"
    assert name_key("阿不都热依木·吾斯曼") == "阿不都热依木吾斯曼"
    assert name_key("王\u3000芳") == "王芳"


def test_groups_by_id_and_by_name_and_birth() -> None:
    people = [
        Person("a", "330523199001020011", "张伟", B),
        Person("b", "330523199001020011", "张伟", B),  # same number
        Person(
            "c", "330523199001020038", name_key("張偉"), B
        ),  # same name (traditional), other number
        Person("d", "330523199001020046", "李娜", B),
    ]
    groups = find_duplicates(people)
    assert groups == [
        DuplicateGroup("id", "330523199001020011", ("a", "b")),
        DuplicateGroup("name_birth", "张伟|1990-01-02", ("a", "b", "c")),
    ]
    assert pairs(groups[1], {"c"}) == [("a", "c"), ("b", "c")]


def test_one_number_is_not_also_a_name_group() -> None:
    people = [Person(1, "X", "王芳", B), Person(2, "X", "王芳", B)]
    assert [g.kind for g in find_duplicates(people)] == ["id"]


person = st.builds(
    Person,
    ref=st.integers(min_value=0, max_value=10**6),
    id_number=st.sampled_from(["A", "B", "C", "D"]),
    name_key=st.sampled_from(["张伟", "王芳", "李娜"]),
    birth_date=st.sampled_from([B, date(1991, 5, 6)]),
)


@given(st.lists(person, max_size=25, unique_by=lambda p: p.ref), st.randoms())
def test_order_does_not_matter(people: list[Person], rnd: object) -> None:
    shuffled = list(people)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert find_duplicates(shuffled) == find_duplicates(people)


@given(st.lists(person, max_size=25, unique_by=lambda p: p.ref))
def test_every_group_shares_its_key(people: list[Person]) -> None:
    by_ref = {p.ref: p for p in people}
    for group in find_duplicates(people):
        members = [by_ref[r] for r in group.refs]
        assert len(members) >= 2
        if group.kind == "id":
            assert len({m.id_number for m in members}) == 1
        else:
            assert len({(m.name_key, m.birth_date) for m in members}) == 1
            assert len({m.id_number for m in members}) >= 2
