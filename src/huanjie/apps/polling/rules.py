"""Rule values the polling part reads from the election's profile."""

from __future__ import annotations

from huanjie.apps.campaigns.models import Election

#: Until the profile carries ``mobile_box_escorts``: three escorts (secondary sources [S]).
DEFAULT_ESCORTS = 3


def mobile_escorts(election: Election) -> tuple[int, str]:
    """The least number of staff with a mobile box, and the rule it rests on."""
    del election
    return DEFAULT_ESCORTS, "村民委员会选举规程（流动票箱）[S]"
