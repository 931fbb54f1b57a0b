"""Writes to the area tree (one transaction, one audit row each)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from huanjie.apps.audit.services import audit_record
from huanjie.apps.places.models import Area

_CHILD: dict[str | None, str] = {
    None: Area.Level.COUNTY,
    Area.Level.COUNTY: Area.Level.TOWNSHIP,
    Area.Level.TOWNSHIP: Area.Level.VILLAGE,
    Area.Level.VILLAGE: Area.Level.GROUP,
}


class AreaError(ValueError):
    pass


def area_create(
    *,
    acting_user: AbstractBaseUser | None,
    name: str,
    parent: Area | None,
    code: str = "",
    is_community: bool = False,
) -> Area:
    """Add an area under ``parent``; its level follows from the parent's."""
    name = name.strip()
    if not name:
        raise AreaError("名称不能为空")
    level = _CHILD.get(parent.level if parent else None)
    if level is None:
        raise AreaError("村民小组下不能再设下级区域")
    with transaction.atomic():
        if Area.objects.filter(parent=parent, name=name).exists():
            raise AreaError(f"“{parent or '顶层'}”下已有“{name}”")
        area = Area.objects.create(
            parent=parent,
            level=level,
            name=name,
            code=code.strip(),
            is_community=is_community,
            path="",
        )
        # Ids zero-padded, so ordering by path keeps siblings in the order they were created.
        area.path = f"{parent.path if parent else '/'}{area.pk:08d}/"
        area.save(update_fields=["path"])
        audit_record(
            acting_user=acting_user,
            action="area.create",
            obj=area,
            area=area,
            after={
                "name": name,
                "level": level,
                "code": area.code,
                "parent": parent.pk if parent else None,
            },
        )
    return area
