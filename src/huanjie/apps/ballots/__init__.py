"""Ballots (选票): design from the formal list, security features, print runs."""
