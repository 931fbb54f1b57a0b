"""Writes of the ballots part (one transaction and one audit entry each; a refused operation
changes nothing): the township's colours and seals, the sealed random draw for a village and
every look at it, the print run of a round, spoiled ballots and the destruction of what is
left over, which must balance: printed = issued + spoiled + left over."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.ballots import design, selectors
from huanjie.apps.ballots.models import (
    Destruction,
    PrintRun,
    SecurityChoice,
    SecurityReveal,
    SecuritySet,
    SpoiledBallot,
)
from huanjie.apps.campaigns.models import Campaign, Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling.models import Round
from huanjie.apps.polling.selectors import round_figures
from huanjie.core.rounds import RoundState
from huanjie.printing import ballots as printing
from huanjie.printing.ballot_geometry import LayoutError

User = AbstractBaseUser | AnonymousUser | None

MAX_QUANTITY = 999_999  # six-digit serials
MIN_WITNESSES = 2


class BallotsError(ServiceError):
    """A refused operation of the ballots part; the message (Chinese) names the field."""


def _uid(user: User) -> int | None:
    return getattr(user, "pk", None)


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = 60) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise BallotsError(f"{label}：请填写", field, "required")
    if len(value) > limit:
        raise BallotsError(f"{label}：不能超过{limit}个字", field, "too_long")
    return value


def _names(values: Sequence[str], field: str, label: str, limit: int) -> list[str]:
    out: list[str] = []
    for raw in values:
        v = _text(raw, field, label, required=False, limit=limit)
        if v and v not in out:
            out.append(v)
    return out


def _lock_round(r: Round) -> Round:
    return (
        Round.objects.select_for_update()
        .select_related("election", "election__area", "election__campaign")
        .get(pk=r.pk)
    )


def _require_office(user: User, campaign: Campaign, what: str) -> None:
    if user is None or not selectors.is_township_office(user, campaign):
        raise PermissionDenied(f"只有乡镇换届办可以{what}")


# --- Security features ------------------------------------------------------------------------


def commitment_of(election_id: int, colour: str, seal: str, nonce: str) -> str:
    """SHA-256 of the sealed choice: shown to everyone while sealed, so that whoever opens it
    later can check it is the choice drawn then."""
    text = f"huanjie-ballot-security|{election_id}|{colour}|{seal}|{nonce}"
    return hashlib.sha256(text.encode()).hexdigest()


def security_set_update(
    *, acting_user: User, campaign: Campaign, colours: Sequence[str], seals: Sequence[str]
) -> SecuritySet:
    """The township's paper colours and seals for the campaign (at least two of each, so that a
    draw means something)."""
    _require_office(acting_user, campaign, "设置选票纸张颜色和印章")
    clean_colours = _names(colours, "colours", "纸张颜色", 20)
    clean_seals = _names(seals, "seals", "印章", 30)
    if len(clean_colours) < 2:
        raise BallotsError("纸张颜色：至少设置两种，才能随机抽取", "colours", "too_few")
    if len(clean_seals) < 2:
        raise BallotsError("印章：至少设置两枚，才能随机抽取", "seals", "too_few")
    with transaction.atomic():
        options, _ = SecuritySet.objects.select_for_update().get_or_create(campaign=campaign)
        before = {"colours": options.colours, "seals": options.seals}
        options.colours, options.seals = clean_colours, clean_seals
        options.updated_by_id = _uid(acting_user)
        options.save()
        audit_record(
            acting_user=acting_user,
            action="ballots.security_set_update",
            obj=options,
            area=campaign.area,
            before=before,
            after={"colours": clean_colours, "seals": clean_seals},
        )
    return options


def security_choose(*, acting_user: User, election: Election, reason: str = "") -> SecurityChoice:
    """Draw one colour and one seal at random (``secrets.choice``) for the village, sealed.

    A second draw supersedes the first; it needs a reason and is refused once polls have
    opened. The audit entry records the commitment, never the choice."""
    _require_office(acting_user, election.campaign, "抽取选票纸张颜色和印章")
    reason = _text(reason, "reason", "重新抽取的理由", required=False, limit=300)
    with transaction.atomic():
        options = SecuritySet.objects.filter(campaign=election.campaign).first()
        if options is None or len(options.colours) < 2 or len(options.seals) < 2:
            raise BallotsError(
                "乡镇尚未设置至少两种纸张颜色和两枚印章，不能抽取", "", "no_security_set"
            )
        earlier = (
            SecurityChoice.objects.select_for_update()
            .filter(election=election, superseded_at__isnull=True)
            .first()
        )
        if earlier is not None:
            if not reason:
                raise BallotsError(
                    "本村已抽取过纸张颜色和印章；重新抽取须说明理由（例如已泄露）",
                    "reason",
                    "required",
                )
            if Round.objects.filter(election=election).exclude(status=RoundState.PREPARED).exists():
                raise BallotsError("已经开始投票，不能重新抽取纸张颜色和印章", "", "polls_opened")
            earlier.superseded_at = timezone.now()
            earlier.save(update_fields=["superseded_at"])
        colour = secrets.choice(list(options.colours))
        seal = secrets.choice(list(options.seals))
        nonce = secrets.token_hex(16)
        choice = SecurityChoice.objects.create(
            election=election,
            colour=colour,
            seal=seal,
            nonce=nonce,
            commitment=commitment_of(election.pk, colour, seal, nonce),
            reason=reason,
            chosen_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="ballots.security_choose",
            obj=choice,
            area=election.area,
            after={
                "commitment": choice.commitment,
                "redraw": earlier is not None,
                "reason": reason,
                "options": [len(options.colours), len(options.seals)],
            },
        )
    return choice


def security_reveal(*, acting_user: User, election: Election) -> SecurityChoice:
    """Open the sealed choice for the one who may see it now (``selectors.reveal_purpose``);
    every look is recorded and audited (purpose and round, not what was seen)."""
    if acting_user is None:
        raise PermissionDenied("不能启封：须由本人登录")
    right = selectors.reveal_purpose(election, acting_user)
    if right.purpose is None:
        raise PermissionDenied(f"不能启封：{right.reason}")
    with transaction.atomic():
        choice = selectors.current_choice(election)
        assert choice is not None  # reveal_purpose said a choice exists
        look = SecurityReveal.objects.create(
            choice=choice, user_id=_uid(acting_user), purpose=right.purpose, round=right.round
        )
        audit_record(
            acting_user=acting_user,
            action="ballots.security_reveal",
            obj=look,
            area=election.area,
            after={
                "purpose": right.purpose,
                "round": right.round.number if right.round else None,
                "commitment": choice.commitment,
            },
        )
    return choice


# --- Print runs -------------------------------------------------------------------------------


def _check_fits(r: Round) -> None:
    d = design.design(r)
    try:
        for posts in printing.sheets(d):
            printing.sheet_layout(d, posts)
    except LayoutError as err:
        raise BallotsError(f"选票排不下：{err}", "", "layout") from err


def print_run_record(*, acting_user: User, round: Round, quantity: int, note: str = "") -> PrintRun:
    """Record (or correct) how many ballots are printed for a round, before its polls open.
    Serials run from 1 to ``quantity`` for every sheet."""
    note = _text(note, "note", "备注", required=False, limit=300)
    if not isinstance(quantity, int) or quantity < 1:
        raise BallotsError("印制张数：须为正整数", "quantity", "invalid")
    if quantity > MAX_QUANTITY:
        raise BallotsError(
            f"印制张数：不能超过 {MAX_QUANTITY} 张（编号六位）", "quantity", "too_many"
        )
    with transaction.atomic():
        r = _lock_round(round)
        if r.status != RoundState.PREPARED:
            raise BallotsError(
                f"{r}已{r.get_status_display()}，不能再改印制数量", "quantity", "round_not_prepared"
            )
        _check_fits(r)
        run = PrintRun.objects.select_for_update().filter(round=r).first()
        before = None
        if run is None:
            run = PrintRun(round=r, quantity=quantity)
        else:
            highest = run.spoiled.order_by("-serial").values_list("serial", flat=True).first()
            if highest is not None and highest > quantity:
                raise BallotsError(
                    f"印制张数：已登记作废的第 {highest} 号超出 {quantity} 张",
                    "quantity",
                    "below_spoiled",
                )
            before = {"quantity": run.quantity, "note": run.note}
            run.quantity = quantity
        run.note = note
        run.recorded_by_id = _uid(acting_user)
        run.save()
        audit_record(
            acting_user=acting_user,
            action="ballots.print_run_record",
            obj=run,
            area=r.election.area,
            before=before,
            after={"round": r.number, "quantity": quantity, "note": note},
        )
    return run


def _sheet(r: Round, sheet: str) -> str:
    sheets = design.sheets_of(r)
    if sheets == [""]:
        return ""
    if sheet not in sheets:
        names = "、".join(design.sheet_label(r, s) for s in sheets)
        raise BallotsError(f"选票：请选择{names}之一", "sheet", "invalid")
    return sheet


def spoiled_record(
    *, acting_user: User, print_run: PrintRun, serial: int, reason: str, sheet: str = ""
) -> SpoiledBallot:
    """A ballot sheet spoiled (作废), by its serial: misprinted, torn, or filled wrongly and
    exchanged at the issuing desk. Refused once the left-over ballots are destroyed."""
    reason = _text(reason, "reason", "作废原因", limit=200)
    with transaction.atomic():
        r = _lock_round(print_run.round)
        run = PrintRun.objects.select_for_update().get(pk=print_run.pk)
        sheet = _sheet(r, sheet)
        label = design.sheet_label(r, sheet)
        if Destruction.objects.filter(print_run=run).exists():
            raise BallotsError("剩余选票已销毁，核对已完成，不能再登记作废", "serial", "closed")
        if not isinstance(serial, int) or not 1 <= serial <= run.quantity:
            raise BallotsError(
                f"编号：须在 1 至 {run.quantity} 之间（本轮印制 {run.quantity} 张）",
                "serial",
                "out_of_range",
            )
        if SpoiledBallot.objects.filter(print_run=run, sheet=sheet, serial=serial).exists():
            raise BallotsError(f"编号：{label}第 {serial} 号已登记作废", "serial", "duplicate")
        spoiled_now = SpoiledBallot.objects.filter(print_run=run, sheet=sheet).count()
        issued = round_figures(r).issued
        if issued + spoiled_now + 1 > run.quantity:
            raise BallotsError(
                f"编号：{label}已发出 {issued} 张、作废 {spoiled_now} 张，"
                f"再作废一张就超过印制的 {run.quantity} 张",
                "serial",
                "exceeds_printed",
            )
        item = SpoiledBallot.objects.create(
            print_run=run,
            serial=serial,
            sheet=sheet,
            reason=reason,
            recorded_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="ballots.spoiled_record",
            obj=item,
            area=r.election.area,
            after={"round": r.number, "sheet": sheet, "serial": serial, "reason": reason},
        )
    return item


def left_over_field(sheet: str) -> str:
    """The form field (and error field) of one sheet's left-over count."""
    return f"left_over_{sheet}" if sheet else "left_over"


def destruction_record(
    *,
    acting_user: User,
    print_run: PrintRun,
    left_over: Mapping[str, int],
    witnesses: Sequence[str],
    destroyed_at: datetime,
    place: str,
) -> Destruction:
    """The ballots left over, destroyed in public (当众销毁) after the polls close, with
    witnesses and time. Refused unless, for every sheet, printed = issued + spoiled + left
    over (issued from polling's round figures); the message names the sheet and the numbers."""
    place = _text(place, "place", "销毁地点", limit=200)
    names = _names(witnesses, "witnesses", "监督销毁人", 50)
    if len(names) < MIN_WITNESSES:
        raise BallotsError(
            f"监督销毁人：至少 {MIN_WITNESSES} 人（如监票人、村民代表），每行一人",
            "witnesses",
            "too_few",
        )
    if timezone.is_naive(destroyed_at):
        destroyed_at = timezone.make_aware(destroyed_at)
    if destroyed_at > timezone.now() + timedelta(minutes=5):
        raise BallotsError("销毁时间：不能晚于现在", "destroyed_at", "future")
    with transaction.atomic():
        r = _lock_round(print_run.round)
        run = PrintRun.objects.select_for_update().get(pk=print_run.pk)
        if r.status in (RoundState.PREPARED, RoundState.OPEN):
            raise BallotsError(
                "投票结束后才能清点和销毁剩余选票", "destroyed_at", "polls_not_closed"
            )
        if Destruction.objects.filter(print_run=run).exists():
            raise BallotsError("本轮剩余选票的销毁已登记", "", "duplicate")
        # minutes, as the form gives them: destroyed in the minute the polls closed is fine
        if r.closed_at is not None and destroyed_at < r.closed_at.replace(second=0, microsecond=0):
            raise BallotsError(
                "销毁时间：不能早于结束投票的时间"
                f"（{timezone.localtime(r.closed_at):%Y-%m-%d %H:%M}）",
                "destroyed_at",
                "before_close",
            )
        sheets = design.sheets_of(r)
        unknown = set(left_over) - set(sheets)
        if unknown:
            raise BallotsError(
                f"剩余张数：没有这种选票：{'、'.join(sorted(unknown))}", "left_over", "invalid"
            )
        issued = round_figures(r).issued
        spoiled: dict[str, int] = {}
        for s in run.spoiled.all():
            spoiled[s.sheet] = spoiled.get(s.sheet, 0) + 1
        counts: dict[str, int] = {}
        for sheet in sheets:
            field = left_over_field(sheet)
            label = design.sheet_label(r, sheet)
            if sheet not in left_over:
                raise BallotsError(f"剩余张数：请填写{label}的剩余张数", field, "required")
            n = left_over[sheet]
            if not isinstance(n, int) or n < 0:
                raise BallotsError(f"剩余张数：{label}须为零或正整数", field, "invalid")
            expected = run.quantity - issued - spoiled.get(sheet, 0)
            if expected < 0:
                raise BallotsError(
                    f"剩余张数：{label}发出 {issued} 张、作废 {spoiled.get(sheet, 0)} 张，"
                    f"合计多于印制的 {run.quantity} 张，请核对发票记录和作废登记",
                    field,
                    "overdrawn",
                )
            if n != expected:
                raise BallotsError(
                    f"剩余张数：{label}核对不平——印制 {run.quantity} 张，发出 {issued} 张，"
                    f"作废 {spoiled.get(sheet, 0)} 张，应剩 {expected} 张，清点为 {n} 张"
                    f"（{'多' if n > expected else '少'} {abs(n - expected)} 张）。"
                    "请重新清点剩余选票、核对作废登记和发票记录",
                    field,
                    "unbalanced",
                )
            counts[sheet] = n
        done = Destruction.objects.create(
            print_run=run,
            left_over=counts,
            issued=issued,
            spoiled={sheet: spoiled.get(sheet, 0) for sheet in sheets},
            witnesses=names,
            destroyed_at=destroyed_at,
            place=place,
            recorded_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="ballots.destruction_record",
            obj=done,
            area=r.election.area,
            after={
                "round": r.number,
                "printed": run.quantity,
                "issued": issued,
                "spoiled": done.spoiled,
                "left_over": counts,
                "witnesses": names,
                "destroyed_at": destroyed_at,
                "place": place,
            },
        )
    return done
