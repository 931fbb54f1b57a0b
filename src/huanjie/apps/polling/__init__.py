"""Polling (投票): rounds, venues and boxes, check-in, ballot issue, turnout."""
