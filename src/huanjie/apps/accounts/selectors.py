"""Scoping: every view and API call asks these before it reads or writes an area's data."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from huanjie.apps.accounts.models import WRITE_ROLES, Membership
from huanjie.apps.places.models import Area

AnyUser = AbstractBaseUser | AnonymousUser


def memberships(user: AnyUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cache: list[Membership] | None = getattr(user, "_huanjie_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user_id=user.pk).select_related("area"))
        # One query per request: the user object lives as long as the request.
        setattr(user, "_huanjie_memberships", cache)  # noqa: B010
    return cache


def visible_areas(user: AnyUser) -> QuerySet[Area]:
    """Every area in the subtree of any of the user's roles."""
    roots = [m.area.path for m in memberships(user)]
    if not roots:
        return Area.objects.none()
    query = Q()
    for path in roots:
        query |= Q(path__startswith=path)
    return Area.objects.filter(query)


def can_see(user: AnyUser, area: Area) -> bool:
    return any(area.path.startswith(m.area.path) for m in memberships(user))


def can_change(user: AnyUser, area: Area) -> bool:
    return any(
        area.path.startswith(m.area.path) and m.role in WRITE_ROLES for m in memberships(user)
    )


def require_see(user: AnyUser, area: Area) -> None:
    if not can_see(user, area):
        raise PermissionDenied("无权查看该区域")


def require_change(user: AnyUser, area: Area) -> None:
    if not can_change(user, area):
        raise PermissionDenied("无权修改该区域的数据")
