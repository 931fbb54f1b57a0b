"""JSON API of 选举结果: the same services and permission checks as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Router, Schema

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.results import documents, selectors, services
from huanjie.apps.results.models import RoundResult
from huanjie.apps.shortcuts import pdf_response

router = Router(tags=["results"])


class ElectedOut(Schema):
    name: str
    voter_id: int | None
    post_kind: str
    post_name: str
    votes: int
    round_number: int
    sex: str


class OutcomeOut(Schema):
    decided: bool
    complete: bool
    summary: str
    seats: dict[str, int]
    filled: dict[str, int]
    unfilled: dict[str, int]
    next_step: str | None
    next_label: str
    pending_round: int | None
    vacancy_allowed: bool | None
    presiding: str | None
    elected: list[ElectedOut]


class ResultOut(Schema):
    round: int
    kind: str
    profile: str
    input_sha256: str
    decided_at: datetime
    decided_by: str | None
    supersedes: int | None
    reason: str
    next_step: str | None
    recomputed_matches: bool
    input_intact: bool
    outcome: dict[str, Any]
    input: dict[str, Any] | None = None


class DecideIn(Schema):
    reason: str = ""


class NextRoundIn(Schema):
    held_on: date


class NextRoundOut(Schema):
    number: int
    kind: str
    held_on: date
    parent: int | None
    posts: list[dict[str, Any]]
    candidates: list[dict[str, Any]]


def _round(election: Election, number: int) -> Round:
    try:
        return polling.get_round(election, number)
    except Round.DoesNotExist:
        raise Http404("没有这一轮投票") from None


def _result_out(result: RoundResult, *, with_input: bool = False) -> ResultOut:
    explained = selectors.explain(result)
    user = result.decided_by
    return ResultOut(
        round=result.round.number,
        kind=result.round.kind,
        profile=result.profile_id,
        input_sha256=result.input_sha256,
        decided_at=result.decided_at,
        decided_by=(user.first_name or user.get_username()) if user is not None else None,
        supersedes=result.supersedes_id,
        reason=result.reason,
        next_step=selectors.next_step(result),
        recomputed_matches=explained.matches,
        input_intact=explained.input_intact,
        outcome=result.outcome,
        input=result.input if with_input else None,
    )


@router.get("/outcome", response=OutcomeOut)
def outcome(request: HttpRequest, election_id: Path[int]) -> OutcomeOut:
    """Where the election stands and the new committee (``results.selectors.elected``)."""
    election = election_for(request.user, election_id)
    state = selectors.election_outcome(election)
    return OutcomeOut(
        decided=state.decided,
        complete=state.complete,
        summary=state.summary,
        seats=state.seats,
        filled=state.filled,
        unfilled=state.unfilled,
        next_step=state.next_step,
        next_label=state.next_label,
        pending_round=state.pending.number if state.pending else None,
        vacancy_allowed=state.vacancy_allowed,
        presiding=state.presiding,
        elected=[
            ElectedOut(
                name=e.name,
                voter_id=e.voter_id,
                post_kind=e.post_kind,
                post_name=e.post_name,
                votes=e.votes,
                round_number=e.round_number,
                sex=e.sex,
            )
            for e in selectors.elected(election)
        ],
    )


@router.get("/rounds/{number}/result", response=ResultOut)
def result(
    request: HttpRequest, election_id: Path[int], number: int, with_input: bool = False
) -> ResultOut:
    """The stored result of a round (its ``huanjie.outcome/1``; with ``with_input=true`` also
    the frozen ``huanjie.round/1`` input), recomputed and compared."""
    election = election_for(request.user, election_id)
    found = selectors.result_for(_round(election, number))
    if found is None:
        raise Http404("本轮尚未确定结果")
    return _result_out(found, with_input=with_input)


@router.post("/rounds/{number}/decide", response=ResultOut)
def decide(
    request: HttpRequest, election_id: Path[int], number: int, payload: DecideIn
) -> ResultOut:
    """Decide a counted round (or decide it again after a recount, with ``reason``)."""
    election = election_for(request.user, election_id, change=True)
    decided = services.round_decide(
        acting_user=request.user,
        round=_round(election, number),
        reason=payload.reason,
    )
    return _result_out(decided)


@router.post("/rounds/{number}/next-round", response=NextRoundOut)
def next_round(
    request: HttpRequest, election_id: Path[int], number: int, payload: NextRoundIn
) -> NextRoundOut:
    """Create the round the result calls for (revote, 另行选举 or rerun)."""
    election = election_for(request.user, election_id, change=True)
    found = selectors.result_for(_round(election, number))
    if found is None:
        raise Http404("本轮尚未确定结果")
    created = services.next_round_create(
        acting_user=request.user,
        result=found,
        held_on=payload.held_on,
    )
    return NextRoundOut(
        number=created.number,
        kind=created.kind,
        held_on=created.held_on,
        parent=created.parent.number if created.parent else None,
        posts=created.posts,
        candidates=created.candidates,
    )


def _on(on: date | None) -> date:
    return on or timezone.localdate()


@router.get("/rounds/{number}/report.pdf")
def report_pdf(
    request: HttpRequest, election_id: Path[int], number: int, on: date | None = None
) -> HttpResponse:
    """选举结果报告单 of a decided round."""
    election = election_for(request.user, election_id)
    found = selectors.result_for(_round(election, number))
    if found is None:
        raise Http404("本轮尚未确定结果")
    return pdf_response(documents.report_pdf(found, _on(on)), f"选举结果报告单-第{number}轮.pdf")


@router.get("/certificates.pdf")
def certificates_pdf(
    request: HttpRequest, election_id: Path[int], on: date | None = None
) -> HttpResponse:
    """当选证书, one page per person elected."""
    election = election_for(request.user, election_id)
    return pdf_response(documents.certificates_pdf(election, _on(on)), "当选证书.pdf")


@router.get("/notice.pdf")
def notice_pdf(
    request: HttpRequest, election_id: Path[int], on: date | None = None
) -> HttpResponse:
    """选举结果公告."""
    election = election_for(request.user, election_id)
    return pdf_response(documents.notice_pdf(election, _on(on)), "选举结果公告.pdf")
