"""Rule values the polling part reads from the election's profile."""

from __future__ import annotations

from huanjie.apps.campaigns.models import Election
from huanjie.core.rules import load_profile


def mobile_escorts(election: Election) -> tuple[int, str]:
    """The least number of staff with a mobile box (profile ``mobile_box_escorts``) and the
    rule it rests on."""
    profile = load_profile(election.profile_id)
    return int(profile.value("mobile_box_escorts")), profile.article("mobile_box_escorts")
