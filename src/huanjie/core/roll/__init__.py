"""Voter rolls: eligibility inputs such as resident ID numbers and age on election day."""

from huanjie.core.roll.idcard import IdCheck, age_on, check, check_many, is_of_age

__all__ = ["IdCheck", "age_on", "check", "check_many", "is_of_age"]
