"""Who may see and change which area: a user holds roles, each bound to one area's subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.places.models import Area


class Role(models.TextChoices):
    COUNTY_ORGANISER = "county_organiser", "县级组织者"
    TOWNSHIP_OFFICE = "township_office", "乡镇换届办"
    ELECTION_COMMITTEE = "election_committee", "村民选举委员会成员"
    OBSERVER = "observer", "观察员"


#: Roles that may change data in their area; observers and county organisers only look.
WRITE_ROLES = frozenset({Role.TOWNSHIP_OFFICE, Role.ELECTION_COMMITTEE})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        constraints = [
            models.UniqueConstraint(fields=("user", "area", "role"), name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area}"
