"""The demonstration township: a county, one township with its villages and communities,
users for each role, and the 12th campaign with most villages' elections under way.

Everything is written through the services (so the audit log holds it, like real work).
Seeding twice changes nothing. The demonstration village 青山村 is left without an
election, so a new user can take it from an empty campaign to a published candidate list.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.db import transaction

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.campaigns import services as plan
from huanjie.apps.campaigns.models import Campaign
from huanjie.apps.places.models import Area
from huanjie.apps.places.services import area_create
from huanjie.core.stages import Action, Stage

PASSWORD = "Huanjie-2026"
COUNTY, TOWNSHIP, DEMO_VILLAGE = "示范县", "青山镇", "青山村"
ELECTION_DAY = datetime.date(2026, 12, 20)
VILLAGES = [
    ("青山村", 6),
    ("红星村", 5),
    ("白云村", 4),
    ("石门村", 5),
    ("溪口村", 6),
    ("桃源村", 3),
    ("竹林村", 4),
    ("梅溪村", 5),
    ("龙潭村", 4),
    ("仙霞村", 3),
    ("金坑村", 5),
    ("长岭村", 4),
    ("上墅村", 6),
    ("下汤村", 4),
    ("横塘村", 5),
    ("大溪村", 6),
    ("南庄村", 3),
    ("北岙村", 4),
    ("西坞村", 5),
    ("东岭村", 4),
]
COMMUNITIES = ["双溪社区", "东升社区"]
GROUP_NAMES = [
    "第一村民小组",
    "第二村民小组",
    "第三村民小组",
    "第四村民小组",
    "第五村民小组",
    "第六村民小组",
]
# How far each village's election has come (the township overview shows the spread).
PROGRESS = {0: (), 1: (Stage.PREPARATION,), 2: (Stage.PREPARATION,)}


def _area(name: str, parent: Area | None, **kw: object) -> Area:
    found = Area.objects.filter(name=name, parent=parent).first()
    return found or area_create(acting_user=None, name=name, parent=parent, **kw)  # type: ignore[arg-type]


def seed_demo(out: TextIO) -> list[tuple[str, str, str]]:
    """Load the demonstration township (once); return the logins to print."""
    logins = [
        ("镇换届办（可建立选举、管理全镇）", "zhenban", PASSWORD),
        (f"{DEMO_VILLAGE}村民选举委员会（录入员甲）", "qingshan", PASSWORD),
        (f"{DEMO_VILLAGE}村民选举委员会（录入员乙）", "qingshan2", PASSWORD),
        ("县级组织者（只看进度与统计）", "xian", PASSWORD),
    ]
    if Area.objects.filter(name=TOWNSHIP, parent__name=COUNTY).exists():
        out.write("示范数据已存在，未重复载入。\n")
        return logins
    out.write("正在载入示范乡镇……\n")
    with transaction.atomic():
        county = _area(COUNTY, None, code="330599")
        town = _area(TOWNSHIP, county, code="330599101")
        villages = {}
        for name, groups in VILLAGES:
            village = _area(name, town)
            villages[name] = village
            for group in GROUP_NAMES[:groups]:
                _area(group, village)
        for name in COMMUNITIES:
            _area(name, town, is_community=True)

        def user(username: str, full_name: str, role: Role, area: Area) -> None:
            user_create(
                acting_user=None,
                username=username,
                password=PASSWORD,
                full_name=full_name,
                role=role,
                area=area,
                check_password=False,
            )

        user("zhenban", "青山镇换届办", Role.TOWNSHIP_OFFICE, town)
        user("xian", "示范县换届指导组", Role.COUNTY_ORGANISER, county)
        user("qingshan", "青山村选委会·王建国", Role.ELECTION_COMMITTEE, villages[DEMO_VILLAGE])
        user("qingshan2", "青山村选委会·李秀英", Role.ELECTION_COMMITTEE, villages[DEMO_VILLAGE])
        user("guanchayuan", "县人大观察员", Role.OBSERVER, town)
        office = None
        campaign = plan.campaign_create(
            acting_user=office,
            area=town,
            term=12,
            default_profile="village/zhejiang",
            default_election_day=ELECTION_DAY,
        )
        for index, (name, _) in enumerate(VILLAGES):
            if name == DEMO_VILLAGE:
                continue
            election = plan.election_create(
                acting_user=office,
                campaign=campaign,
                area=villages[name],
                election_day=ELECTION_DAY,
                members=5 if index % 3 else 7,
                place=f"{name}文化礼堂",
            )
            for stage in PROGRESS.get(index % 3, ()):
                plan.stage_change(
                    acting_user=office, election=election, stage=stage, action=Action.OPEN
                )
    out.write(
        f"已载入：{COUNTY}{TOWNSHIP}，{len(VILLAGES)} 个村、{len(COMMUNITIES)} 个社区，"
        f"{Campaign.objects.get(area__name=TOWNSHIP).name}。\n"
    )
    return logins
