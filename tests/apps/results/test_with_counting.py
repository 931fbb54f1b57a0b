"""The whole day through the other parts' own services: polling (round, check-in and ballot
issue, polls closed), counting (box reconciled and the totals sheet entered twice, the count
confirmed by the 总监票人) and then results — with counting's real ``count_complete`` and
``round_count``, nothing stood in for."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest
from django.utils import timezone

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.counting import services as counting
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.results import documents, selectors, services
from huanjie.apps.results.services import ResultsError
from tests.apps.conftest import PASSWORD
from tests.apps.polling.conftest import STAFF, train, voter
from tests.apps.results.conftest import vote

pytestmark = pytest.mark.django_db

#: The paper totals of the regular round (50 ballots, 2 invalid): 主任 李明 40; 副主任 赵刚 24,
#: 彭军 20 (neither more than half of 50); 妇女委员 田芳 30; 委员 徐亮 35, 朱平 30.
SHEET = {
    "invalid": 2,
    "votes:主任:李明": 40,
    "votes:主任:王强": 6,
    "votes:副主任:赵刚": 24,
    "votes:副主任:彭军": 20,
    "votes:妇女委员:田芳": 30,
    "votes:妇女委员:林秀英": 16,
    "votes:委员:徐亮": 35,
    "votes:委员:朱平": 30,
    "votes:委员:曹勇": 10,
}


@pytest.fixture
def chief(formal: Any, users: dict[str, Any], tree: dict[str, Any]) -> Any:
    """The 总监票人, trained, appointed in polling with a login of their own."""
    login = user_create(
        acting_user=None,
        username="chief",
        password=PASSWORD,
        full_name=STAFF[0],
        role=Role.ELECTION_COMMITTEE,
        area=tree["qingshan"],
    )
    train(formal, users["qingshan"], (STAFF[0], 90))
    polling.staff_add(
        acting_user=users["qingshan"],
        election=formal,
        role="chief_scrutineer",
        voter=voter(formal, STAFF[0]),
        user=login,
    )
    return login


def count_on_paper(
    r: Round, committee: Any, clerks: dict[str, Any], chief: Any, sheet: dict[str, int]
) -> Round:
    """Counting's totals path: the box reconciled and the totals sheet entered by two clerks,
    then confirmed by the 总监票人 (closed → counted)."""
    box = r.boxes.order_by("pk").first()
    assert box is not None
    collected = r.issues.count()
    counting.count_start(acting_user=committee, round=r, method="totals")
    for clerk in (clerks["one"], clerks["two"]):
        counting.box_reconcile(acting_user=clerk, box=box, collected=collected, acknowledged=True)
    for clerk in (clerks["one"], clerks["two"]):
        counting.totals_submit(acting_user=clerk, box=box, counts=sheet)
    return counting.count_confirm(acting_user=chief, round=r)


def test_a_day_counted_on_paper_is_decided_from_counting_and_taken_to_another_round(
    formal: Any, users: dict[str, Any], clerks: dict[str, Any], chief: Any
) -> None:
    committee = users["qingshan"]
    r = polling.round_create_regular(acting_user=committee, election=formal)
    r = polling.round_open(acting_user=committee, round=r)
    vote(r, 50, committee)
    r = polling.round_close(acting_user=committee, round=r)
    with pytest.raises(ResultsError, match="计票完成后才能确定结果"):
        services.round_decide(acting_user=committee, round=r)
    r = count_on_paper(r, committee, clerks, chief, SHEET)
    assert selectors.count_complete(r) == (True, [])

    result = services.round_decide(acting_user=committee, round=r)
    data = result.input
    assert data["boxes"] == [{"name": "1号票箱", "collected": 50, "voters": 50, "issued": 50}]
    assert (data["collected"], data["invalid"]) == (50, 2)
    assert data["totals"]["主任"] == {"李明": 40, "王强": 6}
    assert "ballots" not in data
    posts = {p["name"]: p for p in result.outcome["posts"]}
    assert posts["主任"]["elected"] == ["李明"]
    assert posts["副主任"]["unfilled"] == 1
    assert result.outcome["ballots"] == {"collected": 50, "valid": 48, "invalid": 2, "blank": None}
    assert selectors.explain(result).matches

    # The report names the 总监票人 polling appointed.
    pdf = documents.report_pdf(result, timezone.localdate())
    text = re.sub(
        r"\s", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )
    assert f"总监票人{STAFF[0]}" in text

    # 另行选举 for 副主任 between 赵刚 and 彭军, counted on paper again.
    second = services.next_round_create(
        acting_user=committee, result=result, held_on=timezone.localdate()
    )
    second = polling.round_open(acting_user=committee, round=second)
    vote(second, 45, committee)
    second = polling.round_close(acting_user=committee, round=second)
    second = count_on_paper(
        second,
        committee,
        clerks,
        chief,
        {"invalid": 0, "votes:副主任:赵刚": 16, "votes:副主任:彭军": 15},
    )
    decided = services.round_decide(acting_user=committee, round=second)
    assert decided.outcome["posts"][0]["elected"] == ["赵刚"]
    assert decided.input["elected_before"][0] == {"name": "李明", "post": "主任", "sex": "M"}
    state = selectors.election_outcome(formal)
    assert state.complete
    assert [e.name for e in selectors.elected(formal)] == ["李明", "赵刚", "田芳", "徐亮", "朱平"]
