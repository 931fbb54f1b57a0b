"""Reads of the ballots part: a round's print run (``print_run``: for polling and counting), its
reconciliation (印制 = 发出 + 作废 + 剩余), and the sealed security choice as people may see it.

The sealed choice is never returned by these reads: :func:`security_state` says only whether
a choice exists, its commitment and who may open it now (:func:`reveal_purpose`). The values
leave the database through ``services.security_reveal`` alone, which records each look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.selectors import AnyUser, memberships
from huanjie.apps.ballots import design
from huanjie.apps.ballots.models import (
    Destruction,
    PrintRun,
    SecurityChoice,
    SecurityReveal,
    SecuritySet,
    SpoiledBallot,
)
from huanjie.apps.campaigns.models import Campaign, Election
from huanjie.apps.polling.models import Round, Staff
from huanjie.apps.polling.selectors import is_chief_scrutineer, round_figures
from huanjie.core.rounds import RoundState

# --- Print runs -------------------------------------------------------------------------------


def print_run(r: Round) -> PrintRun | None:
    """The ballots printed for ``r`` (serials 1 … quantity), or None before any is recorded."""
    return PrintRun.objects.filter(round=r).first()


def spoiled(run: PrintRun) -> QuerySet[SpoiledBallot]:
    return run.spoiled.order_by("sheet", "serial")


def destruction(run: PrintRun) -> Destruction | None:
    return Destruction.objects.filter(print_run=run).first()


@dataclass(frozen=True)
class SheetFigures:
    """One sheet's account: printed = issued + spoiled + left over."""

    sheet: str  # "" for the one sheet with every post, else the post kind
    label: str  # 选票 / 主任选票
    printed: int
    issued: int
    spoiled: int
    left_over: int | None  # None until the destruction is recorded

    @property
    def expected_left(self) -> int:
        """What should be left: printed − issued − spoiled."""
        return self.printed - self.issued - self.spoiled

    @property
    def difference(self) -> int | None:
        """Left over counted minus expected (0 when the account balances)."""
        return None if self.left_over is None else self.left_over - self.expected_left


@dataclass(frozen=True)
class Reconciliation:
    round: Round
    run: PrintRun | None
    issued: int  # ballots issued (发出), from polling's round figures
    sheets: list[SheetFigures] = field(default_factory=list)
    destruction: Destruction | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return (
            self.destruction is not None
            and not self.problems
            and all(s.difference == 0 for s in self.sheets)
        )


def reconciliation(r: Round) -> Reconciliation:
    """The round's ballot account per sheet. Issued comes from polling; spoiled from the
    serials recorded here; left over from the destruction record (or, before it, what should
    be left)."""
    run = print_run(r)
    issued = round_figures(r).issued
    if run is None:
        return Reconciliation(round=r, run=None, issued=issued, problems=["尚未登记印制数量"])
    counts: dict[str, int] = {}
    for item in run.spoiled.all():
        counts[item.sheet] = counts.get(item.sheet, 0) + 1
    done = destruction(run)
    sheets = [
        SheetFigures(
            sheet=sheet,
            label=design.sheet_label(r, sheet),
            printed=run.quantity,
            issued=issued,
            spoiled=counts.get(sheet, 0),
            left_over=None if done is None else int(done.left_over.get(sheet, 0)),
        )
        for sheet in design.sheets_of(r)
    ]
    problems = []
    for s in sheets:
        if s.expected_left < 0:
            problems.append(
                f"{s.label}：发出 {s.issued} 张、作废 {s.spoiled} 张，合计多于印制的 {s.printed} 张"
            )
        if s.difference:
            problems.append(
                f"{s.label}：剩余 {s.left_over} 张，应为 {s.expected_left} 张"
                f"（印制 {s.printed} − 发出 {s.issued} − 作废 {s.spoiled}）"
            )
    return Reconciliation(
        round=r, run=run, issued=issued, sheets=sheets, destruction=done, problems=problems
    )


def election_blockers(election: Election) -> list[str]:
    """Why the 投票选举 stage may not close yet: a round whose ballots were printed here and
    whose left-over ballots have not been counted and destroyed in public."""
    reasons = []
    for run in PrintRun.objects.filter(round__election=election).select_related("round"):
        if not Destruction.objects.filter(print_run=run).exists() and run.round.status not in (
            RoundState.PREPARED,
        ):
            reasons.append(
                f"{run.round}的剩余选票尚未清点并当众销毁（印制 = 发出 + 作废 + 剩余，见“选票”）"
            )
    return reasons


# --- Security ---------------------------------------------------------------------------------


def security_set(campaign: Campaign) -> SecuritySet | None:
    return SecuritySet.objects.filter(campaign=campaign).first()


def current_choice(election: Election) -> SecurityChoice | None:
    return SecurityChoice.objects.filter(election=election, superseded_at__isnull=True).first()


def is_township_office(user: AnyUser, campaign: Campaign) -> bool:
    """Whether the user holds the township office role (乡镇换届办) over the campaign's area."""
    return any(
        m.role == Role.TOWNSHIP_OFFICE and campaign.area.path.startswith(m.area.path)
        for m in memberships(user)
    )


def _open_round(election: Election) -> Round | None:
    return Round.objects.filter(election=election, status=RoundState.OPEN).first()


def _has_chief_with_login(election: Election) -> bool:
    return Staff.objects.filter(
        election=election, role=Staff.Role.CHIEF_SCRUTINEER, user__isnull=False
    ).exists()


@dataclass(frozen=True)
class RevealRight:
    purpose: str | None  # SecurityReveal.Purpose value, or None when the user may not look
    reason: str  # why (not), in Chinese
    round: Round | None = None


def reveal_purpose(election: Election, user: AnyUser) -> RevealRight:
    """Who may open the sealed choice, and for what:

    - while a round is open (发票时): the election's 总监票人 (``polling.selectors.
      is_chief_scrutineer``), to check the ballots being issued; if no 总监票人 has a login,
      the township office instead;
    - while a round waits to be voted on and none is open (印制时): the township office, which
      prints the ballots on that paper and stamps them with that seal.

    Nobody else, never after the polls, and nobody at all before a choice is drawn.
    """
    if current_choice(election) is None:
        return RevealRight(None, "尚未抽取纸张颜色和印章")
    office = is_township_office(user, election.campaign)
    opened = _open_round(election)
    if opened is not None:
        if is_chief_scrutineer(election, user):
            return RevealRight(SecurityReveal.Purpose.ISSUE, "总监票人发票核验", opened)
        if office and not _has_chief_with_login(election):
            return RevealRight(
                SecurityReveal.Purpose.ISSUE,
                "本村总监票人未关联系统账号，由乡镇换届办发票核验",
                opened,
            )
        return RevealRight(None, "投票进行中，只有总监票人可以启封核验")
    waiting = Round.objects.filter(election=election, status=RoundState.PREPARED).first()
    if waiting is not None and office:
        return RevealRight(SecurityReveal.Purpose.PRINT, "乡镇换届办印制选票", waiting)
    if waiting is not None:
        return RevealRight(None, "印制前只有乡镇换届办可以启封")
    return RevealRight(None, "当前没有待印制或正在投票的轮次")


@dataclass(frozen=True)
class SecurityState:
    """What anyone who sees the election may know about its security choice."""

    sealed: bool  # a choice has been drawn
    commitment: str
    chosen_at: object | None
    draws: int  # how many times it was drawn (a redraw needs a reason)
    reveals: int
    right: RevealRight
    set_ready: bool  # the township has at least two colours and two seals


def security_state(election: Election, user: AnyUser) -> SecurityState:
    choice = current_choice(election)
    options = security_set(election.campaign)
    return SecurityState(
        sealed=choice is not None,
        commitment=choice.commitment if choice else "",
        chosen_at=choice.chosen_at if choice else None,
        draws=SecurityChoice.objects.filter(election=election).count(),
        reveals=SecurityReveal.objects.filter(choice__election=election).count(),
        right=reveal_purpose(election, user),
        set_ready=bool(options and len(options.colours) >= 2 and len(options.seals) >= 2),
    )


def reveal_log(election: Election) -> QuerySet[SecurityReveal]:
    """Who opened the sealed choice, when and why (not what they saw)."""
    return SecurityReveal.objects.filter(choice__election=election).select_related("user", "round")
