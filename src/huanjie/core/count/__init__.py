"""The counting engine: one entry point per procedure, outcomes as values with their articles."""

from huanjie.core.count.decide import decide_round
from huanjie.core.count.model import Outcome, RoundInput, section
from huanjie.core.count.parse import InputError, outcome_to_json, parse_round

__all__ = [
    "InputError",
    "Outcome",
    "RoundInput",
    "decide_round",
    "outcome_to_json",
    "parse_round",
    "section",
]
