"""Settings for every test."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Fixtures create many users; production's Argon2 cost would dominate the run."""
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
