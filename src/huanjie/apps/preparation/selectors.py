"""Reads of the preparation records used by the pages, the API, the stage blocker, the
township overview (risk levels) and later parts (who may serve as election staff, who may
not be re-nominated)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from huanjie.apps.campaigns.models import Campaign, Election
from huanjie.apps.campaigns.selectors import stage_states
from huanjie.apps.committee.selectors import near_relatives_of
from huanjie.apps.preparation.models import (
    Evaluation,
    FinancialAudit,
    PreparationSetting,
    RiskAssessment,
    TraineeScore,
    TrainingSession,
)
from huanjie.core import preparation as core
from huanjie.core.citations import Article
from huanjie.core.preparation import PersonRef
from huanjie.core.stages import Stage, State


def setting_for(campaign: Campaign) -> PreparationSetting:
    """The campaign's local parameters; the defaults (unsaved) when none were set."""
    found = PreparationSetting.objects.filter(campaign=campaign).first()
    return found if found is not None else PreparationSetting(campaign=campaign)


def evaluation_policy(campaign: Campaign) -> core.EvaluationPolicy:
    s = setting_for(campaign)
    return core.EvaluationPolicy(
        percent=s.evaluation_percent,
        inclusive=s.evaluation_inclusive,
        base="valid" if s.evaluation_base == "valid" else "returned",
        article=core.local_policy(s.basis, "民主测评不满意率标准"),
    )


def training_policy(campaign: Campaign) -> core.TrainingPolicy:
    s = setting_for(campaign)
    return core.TrainingPolicy(
        pass_mark=s.pass_mark, article=core.local_policy(s.basis, "选举工作人员培训合格分数")
    )


def preparation_closed(election: Election) -> bool:
    return stage_states(election)[Stage.PREPARATION] is State.CLOSED


# --------------------------------------------------------------------------- #
# Evaluation, audit, risk


def evaluations(election: Election) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(election=election).order_by("pk")


def renomination_bar(election: Election, name: str) -> Evaluation | None:
    """The evaluation that bars this incumbent from re-nomination (flagged under the local
    bar), or None. For the candidates part."""
    key = PersonRef(name).name_key
    return evaluations(election).filter(name_key=key, flagged=True).first()


def financial_audit(election: Election) -> FinancialAudit | None:
    return FinancialAudit.objects.filter(election=election).first()


def risk_history(election: Election) -> QuerySet[RiskAssessment]:
    """Every assessment, latest first."""
    return RiskAssessment.objects.filter(election=election).order_by("-assessed_at", "-pk")


def current_risk(election: Election) -> RiskAssessment | None:
    return risk_history(election).first()


def risk_levels(elections: Iterable[Election]) -> dict[int, RiskAssessment]:
    """The current assessment of each election that has one (for the township overview)."""
    ids = [e.pk for e in elections]
    current: dict[int, RiskAssessment] = {}
    for r in RiskAssessment.objects.filter(election_id__in=ids).order_by(
        "election_id", "-assessed_at", "-pk"
    ):
        current.setdefault(r.election_id, r)
    return current


def preparation_state(election: Election) -> core.PreparationState:
    evals = evaluations(election)
    audit = financial_audit(election)
    return core.PreparationState(
        evaluation_required=setting_for(election.campaign).evaluation_required,
        evaluations=evals.count(),
        evaluations_unpublished=evals.filter(published_on__isnull=True).count(),
        audit_recorded=audit is not None,
        audit_published=audit is not None and audit.published_on is not None,
        risk_assessed=current_risk(election) is not None,
    )


def preparation_blockers(election: Election) -> list[str]:
    """Registered for the preparation stage (see core.preparation.preparation_blockers)."""
    return core.preparation_blockers(preparation_state(election))


# --------------------------------------------------------------------------- #
# Training and election staff


def sessions(election: Election) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(election=election).order_by("held_on", "pk")


def scores(election: Election) -> QuerySet[TraineeScore]:
    return (
        TraineeScore.objects.filter(session__election=election)
        .select_related("session")
        .order_by("name_key", "session__held_on", "pk")
    )


def _decision(s: TraineeScore) -> core.TrainingDecision:
    return core.TrainingDecision(
        score=s.score,
        pass_mark=s.pass_mark,
        passed=s.passed,
        text=s.decision,
        article=Article.parse(s.basis),
    )


#: Other parts add reasons a person may not serve as election staff: each function takes the
#: election and the person and returns reasons in Chinese (empty: none). The candidates part
#: registers "is a candidate, or a candidate's near relative" (规程 [S]), e.g. with
#: :func:`candidate_exclusions`.
StaffExclusion = Callable[[Election, PersonRef], list[str]]
_STAFF_EXCLUSIONS: list[StaffExclusion] = []


def register_staff_exclusion(fn: StaffExclusion) -> None:
    if fn not in _STAFF_EXCLUSIONS:
        _STAFF_EXCLUSIONS.append(fn)


def candidate_exclusions(
    election: Election, person: PersonRef, candidates: Iterable[PersonRef]
) -> list[str]:
    """规程 [S]: candidates and their near relatives may not serve as election staff. Near
    relatives are those declared on the committee page (民法典 第一千零四十五条第二款)."""
    found = []
    pool = list(candidates)
    for c in pool:
        if core.same_person(c, person):
            found.append(f"{person.name}是候选人，不得担任选举工作人员")
    relatives = near_relatives_of(election, person.name, person.id_number)
    for other, kind in relatives:
        for c in pool:
            if core.same_person(c, other):
                found.append(
                    f"{person.name}的{kind.label}{c.name}是候选人，近亲属不得担任选举工作人员"
                )
    return found


def staff_decision(election: Election, name: str, id_number: str = "") -> core.StaffDecision:
    """Whether this person may serve as election staff: passed training (the pass mark
    applied at the time is kept with each score) and no registered exclusion applies."""
    person = PersonRef(name, id_number)
    mine = [
        _decision(s)
        for s in scores(election)
        if core.same_person(PersonRef(s.name, s.id_number), person)
    ]
    exclusions = [reason for fn in _STAFF_EXCLUSIONS for reason in fn(election, person)]
    return core.staff_decision(mine, exclusions)


def may_serve_as_staff(election: Election, name: str, id_number: str = "") -> tuple[bool, str]:
    """(allowed, reason in Chinese) for election-day staff (唱票、计票、监票、发票 …)."""
    decision = staff_decision(election, name, id_number)
    return decision.allowed, decision.text


@dataclass(frozen=True)
class StaffRow:
    name: str
    id_number: str
    best: TraineeScore
    attempts: int
    decision: core.StaffDecision


def staff_register(election: Election) -> list[StaffRow]:
    """One row per trainee (same ID number, or same name when an ID number is missing), with
    the best score and whether they may serve."""
    people: list[tuple[PersonRef, list[TraineeScore]]] = []
    for s in scores(election):
        ref = PersonRef(s.name, s.id_number)
        for known, items in people:
            if core.same_person(known, ref):
                items.append(s)
                break
        else:
            people.append((ref, [s]))
    rows = []
    for ref, items in people:
        best = max(items, key=lambda s: (s.passed, s.score))
        id_number = next((s.id_number for s in items if s.id_number), "")
        rows.append(
            StaffRow(
                name=ref.name,
                id_number=id_number,
                best=best,
                attempts=len(items),
                decision=staff_decision(election, ref.name, id_number),
            )
        )
    return rows
