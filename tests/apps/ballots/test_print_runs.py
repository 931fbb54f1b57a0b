"""Print runs and their reconciliation: printed = issued + spoiled + left over, per sheet;
refusals name the field and the numbers; nothing half-written."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.ballots import selectors, services
from huanjie.apps.ballots.models import Destruction, PrintRun, SpoiledBallot
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round
from tests.apps.ballots.conftest import issue

pytestmark = pytest.mark.django_db

WITNESSES = ["张伟甲", "王伟甲"]


def _run(r: Round, user: Any, quantity: int = 70) -> PrintRun:
    return services.print_run_record(acting_user=user, round=r, quantity=quantity)


def _closed(r: Round, user: Any, issued: int) -> Round:
    polling.round_open(acting_user=user, round=r)
    issue(r, user, issued)
    return polling.round_close(acting_user=user, round=r)


def test_print_run_recorded_corrected_and_audited(regular: Round, committee: Any) -> None:
    run = _run(regular, committee, 66)
    assert selectors.print_run(regular) == run
    assert run.quantity == 66
    again = services.print_run_record(
        acting_user=committee, round=regular, quantity=70, note="含备用"
    )
    assert again.pk == run.pk
    assert again.quantity == 70
    assert again.note == "含备用"
    assert AuditEntry.objects.filter(action="ballots.print_run_record").count() == 2


@pytest.mark.parametrize("quantity", [0, -3, 1_000_000])
def test_print_run_quantity_refused(regular: Round, committee: Any, quantity: int) -> None:
    with pytest.raises(ServiceError) as err:
        _run(regular, committee, quantity)
    assert err.value.field == "quantity"
    assert not PrintRun.objects.exists()


def test_print_run_frozen_once_polls_open(regular: Round, committee: Any) -> None:
    _run(regular, committee)
    polling.round_open(acting_user=committee, round=regular)
    with pytest.raises(ServiceError, match="不能再改印制数量") as err:
        _run(regular, committee, 80)
    assert err.value.field == "quantity"
    assert selectors.print_run(regular).quantity == 70  # type: ignore[union-attr]


def test_spoiled_by_serial(regular: Round, committee: Any) -> None:
    run = _run(regular, committee)
    services.spoiled_record(acting_user=committee, print_run=run, serial=7, reason="印刷不清")
    with pytest.raises(ServiceError, match="已登记作废") as dup:
        services.spoiled_record(acting_user=committee, print_run=run, serial=7, reason="再次")
    assert dup.value.field == "serial"
    with pytest.raises(ServiceError, match="1 至 70") as out:
        services.spoiled_record(acting_user=committee, print_run=run, serial=71, reason="撕破")
    assert out.value.field == "serial"
    with pytest.raises(ServiceError) as why:
        services.spoiled_record(acting_user=committee, print_run=run, serial=8, reason=" ")
    assert why.value.field == "reason"
    assert list(SpoiledBallot.objects.values_list("serial", flat=True)) == [7]
    with pytest.raises(ServiceError, match="第 7 号超出") as below:
        services.print_run_record(acting_user=committee, round=regular, quantity=5)
    assert below.value.field == "quantity"


def test_balanced_destruction_closes_the_account(regular: Round, committee: Any) -> None:
    run = _run(regular, committee, 70)
    services.spoiled_record(acting_user=committee, print_run=run, serial=1, reason="填错调换")
    services.spoiled_record(acting_user=committee, print_run=run, serial=2, reason="撕破")
    r = _closed(regular, committee, 40)
    rec = selectors.reconciliation(r)
    assert rec.issued == 40
    (sheet,) = rec.sheets
    assert (sheet.printed, sheet.issued, sheet.spoiled, sheet.left_over) == (70, 40, 2, None)
    assert sheet.expected_left == 28
    assert not rec.balanced
    done = services.destruction_record(
        acting_user=committee,
        print_run=run,
        left_over={"": 28},
        witnesses=WITNESSES,
        destroyed_at=timezone.now(),
        place="村文化礼堂",
    )
    assert (done.issued, done.spoiled, done.left_over) == (40, {"": 2}, {"": 28})
    rec = selectors.reconciliation(r)
    assert rec.balanced
    assert rec.sheets[0].difference == 0
    entry = AuditEntry.objects.get(action="ballots.destruction_record")
    assert entry.after["printed"] == 70
    assert entry.after["witnesses"] == WITNESSES
    with pytest.raises(ServiceError, match="已销毁"):
        services.spoiled_record(acting_user=committee, print_run=run, serial=3, reason="晚了")
    with pytest.raises(ServiceError, match="已登记"):
        services.destruction_record(
            acting_user=committee,
            print_run=run,
            left_over={"": 28},
            witnesses=WITNESSES,
            destroyed_at=timezone.now(),
            place="村文化礼堂",
        )


@pytest.mark.parametrize(("counted", "word"), [(27, "少 1 张"), (30, "多 2 张")])
def test_unbalanced_destruction_refused_naming_the_numbers(
    regular: Round, committee: Any, counted: int, word: str
) -> None:
    run = _run(regular, committee, 70)
    r = _closed(regular, committee, 42)
    with pytest.raises(ServiceError) as err:
        services.destruction_record(
            acting_user=committee,
            print_run=run,
            left_over={"": counted},
            witnesses=WITNESSES,
            destroyed_at=timezone.now(),
            place="村文化礼堂",
        )
    assert err.value.field == "left_over"
    assert err.value.code == "unbalanced"
    for part in (
        "印制 70 张",
        "发出 42 张",
        "作废 0 张",
        "应剩 28 张",
        f"清点为 {counted} 张",
        word,
    ):
        assert part in err.value.message
    assert not Destruction.objects.exists()
    assert selectors.reconciliation(r).sheets[0].left_over is None


def test_destruction_refusals_name_their_field(regular: Round, committee: Any) -> None:
    run = _run(regular, committee, 70)

    def attempt(**change: Any) -> ServiceError:
        args: dict[str, Any] = {
            "left_over": {"": 70},
            "witnesses": WITNESSES,
            "destroyed_at": timezone.now(),
            "place": "村文化礼堂",
        }
        args.update(change)
        with pytest.raises(ServiceError) as err:
            services.destruction_record(acting_user=committee, print_run=run, **args)
        return err.value

    assert attempt().code == "polls_not_closed"  # before the vote
    _closed(regular, committee, 0)
    assert attempt(witnesses=["张伟甲"]).field == "witnesses"
    assert attempt(witnesses=["张伟甲", "张伟甲"]).field == "witnesses"
    assert attempt(place="").field == "place"
    future = timezone.now() + datetime.timedelta(hours=2)
    assert attempt(destroyed_at=future).field == "destroyed_at"
    early = timezone.now() - datetime.timedelta(hours=2)
    assert attempt(destroyed_at=early).code == "before_close"
    assert attempt(left_over={}).field == "left_over"
    assert attempt(left_over={"": -1}).field == "left_over"
    assert attempt(left_over={"chair": 70}).field == "left_over"
    assert not Destruction.objects.exists()


def test_per_post_sheets_reconcile_separately(regular: Round, committee: Any) -> None:
    election = regular.election
    election.profile_id = "village/henan"
    election.save(update_fields=["profile_id"])
    run = _run(regular, committee, 50)
    services.spoiled_record(
        acting_user=committee, print_run=run, serial=3, reason="撕破", sheet="chair"
    )
    with pytest.raises(ServiceError) as bad_sheet:
        services.spoiled_record(acting_user=committee, print_run=run, serial=3, reason="撕破")
    assert bad_sheet.value.field == "sheet"
    r = _closed(regular, committee, 20)
    sheets = {s.sheet: s for s in selectors.reconciliation(r).sheets}
    assert list(sheets) == [p["kind"] for p in r.posts]
    assert sheets["chair"].expected_left == 29
    assert sheets["member"].expected_left == 30
    counts = {k: s.expected_left for k, s in sheets.items()}
    with pytest.raises(ServiceError) as err:
        services.destruction_record(
            acting_user=committee,
            print_run=run,
            left_over={**counts, "chair": 30},
            witnesses=WITNESSES,
            destroyed_at=timezone.now(),
            place="村委会",
        )
    assert err.value.field == "left_over_chair"
    assert "主任选票" in err.value.message
    services.destruction_record(
        acting_user=committee,
        print_run=run,
        left_over=counts,
        witnesses=WITNESSES,
        destroyed_at=timezone.now(),
        place="村委会",
    )
    assert selectors.reconciliation(r).balanced


def test_more_issued_than_printed_is_a_problem(regular: Round, committee: Any) -> None:
    run = _run(regular, committee, 5)
    r = _closed(regular, committee, 6)
    rec = selectors.reconciliation(r)
    assert rec.problems
    assert "多于印制" in rec.problems[0]
    with pytest.raises(ServiceError) as err:
        services.destruction_record(
            acting_user=committee,
            print_run=run,
            left_over={"": 0},
            witnesses=WITNESSES,
            destroyed_at=timezone.now(),
            place="村委会",
        )
    assert err.value.code == "overdrawn"
    assert err.value.field == "left_over"


def test_spoiling_beyond_what_is_left_refused(regular: Round, committee: Any) -> None:
    run = _run(regular, committee, 3)
    _closed(regular, committee, 2)
    services.spoiled_record(acting_user=committee, print_run=run, serial=3, reason="撕破")
    with pytest.raises(ServiceError, match="超过印制") as err:
        services.spoiled_record(acting_user=committee, print_run=run, serial=2, reason="撕破")
    assert err.value.field == "serial"


def test_election_stage_waits_for_the_destruction(regular: Round, committee: Any) -> None:
    from huanjie.apps.campaigns.services import stage_blockers
    from huanjie.core.stages import Stage

    run = _run(regular, committee, 70)
    assert not [b for b in stage_blockers(regular.election, Stage.ELECTION) if "剩余选票" in b]
    _closed(regular, committee, 10)
    waiting = [b for b in stage_blockers(regular.election, Stage.ELECTION) if "剩余选票" in b]
    assert waiting == [
        "第1轮 正式选举的剩余选票尚未清点并当众销毁（印制 = 发出 + 作废 + 剩余，见“选票”）"
    ]
    services.destruction_record(
        acting_user=committee,
        print_run=run,
        left_over={"": 60},
        witnesses=WITNESSES,
        destroyed_at=timezone.now(),
        place="村文化礼堂",
    )
    assert not [b for b in stage_blockers(regular.election, Stage.ELECTION) if "剩余选票" in b]
