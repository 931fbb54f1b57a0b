"""Argon2id with the cheapest parameters: the same algorithm and format as production
(Django reads the parameters from each stored hash), at a fraction of the time per user."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8
    parallelism = 1
