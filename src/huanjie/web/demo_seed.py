"""The demonstration township: a county, one township with its villages and communities,
users for each role, and the 12th campaign with its villages' elections at different
stages: some not started, most preparing (election committees, 民主测评, 离任审计, risk levels
— one village high-risk), three registering voters from imported household registers (one
with its list posted and an objection pending), 红星村 already taking nominations, and
石门村 on its election day (formal candidates posted; election day is the day of loading).

Everything is written through the services (so the audit log holds it, like real work).
Seeding twice changes nothing. The demonstration village 青山村 is left without an
election, so a new user can take it from an empty campaign to a published candidate list;
its household register is bundled (``huanjie/examples/qingshan-register.xlsx``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.ballots import services as ballots
from huanjie.apps.campaigns import services as plan
from huanjie.apps.campaigns.models import Campaign, Election, Post
from huanjie.apps.candidates import services as cand
from huanjie.apps.candidates.models import Department, Nominee
from huanjie.apps.candidates.selectors import candidates
from huanjie.apps.candidates.services import nominees_add
from huanjie.apps.committee import services as committee_services
from huanjie.apps.committee.models import Role as CommitteeRole
from huanjie.apps.committee.models import SelectedBy
from huanjie.apps.places.models import Area
from huanjie.apps.places.services import area_create
from huanjie.apps.polling import services as polling
from huanjie.apps.preparation import services as prep
from huanjie.apps.roll import selectors as roll_selectors
from huanjie.apps.roll import services as roll
from huanjie.apps.roll.models import Category, ImportBatch, Objection, Voter
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.core.entry import issued_key, returned_key, votes_key
from huanjie.core.stages import Action, Stage
from huanjie.examples.register import QINGSHAN_FILE, Villager, register_csv, villagers

PASSWORD = "Huanjie-2026"
COUNTY, TOWNSHIP, DEMO_VILLAGE = "示范县", "青山镇", "青山村"
ELECTION_DAY_VILLAGE = "石门村"
#: The registers are made up as of this day (ages, newcomers); the bundled workbook too.
ELECTION_DAY = date(2026, 12, 20)
#: The demonstration's election day is set 29 days after the day it is loaded, so its
#: deadlines (the list 20 days before, the candidates 5 days before) are always ahead.
DAYS_TO_ELECTION = 29


def demo_election_day(today: date) -> date:
    return today + timedelta(days=DAYS_TO_ELECTION)


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


# How far each village's election has come on the day of the demonstration (the township
# overview shows the spread). Villages not listed have not started.
@dataclass(frozen=True)
class Plan:
    committee: int = 0  # serving members of the village election committee entered
    evaluations: str = ""  # 民主测评 of the outgoing committee: "", "entered", "published"
    flagged: bool = False  # the outgoing chair reaches the dissatisfaction bar
    audit: str = ""  # 离任经济责任审计: "", "recorded", "published"
    audit_problems: str = ""
    risk: tuple[str, str] | None = None  # (level, notes)
    close_preparation: bool = False  # then registration opens
    households: int = 0  # the household register imported (this many families)
    list_days_ago: int | None = None  # the voter list posted this many days ago
    objection: str = ""  # "decided" (rejected, within the window) or "open" (undecided)
    close_registration: bool = False  # then nomination and proxies open
    nominees: int = 0  # people named on nomination ballots, listed
    formal: bool = False  # the nomination tally entered twice, reviews done, list published
    election_today: bool = False  # election day is the day of loading (the day to vote)


#: Committee, 民主测评 and audit done: what preparation needs besides the risk level.
READY = Plan(committee=5, evaluations="published", audit="published")
PLANS: dict[str, Plan] = {
    "红星村": replace(
        READY,
        risk=("low", ""),
        close_preparation=True,
        households=95,
        list_days_ago=9,
        objection="decided",
        close_registration=True,
        nominees=11,
    ),
    "白云村": replace(
        READY,
        risk=(
            "medium",
            "外出务工人员约占三成，选民登记须逐户核实本人是否参加选举；"
            "已安排各村民小组长电话联系，委托投票须严格审核。",
        ),
        close_preparation=True,
        households=80,
        list_days_ago=2,
        objection="open",
    ),
    # The election-day village: everything up to the formal candidate list is done, and
    # election day is today, so a new user can hold the vote, count it and hand over.
    ELECTION_DAY_VILLAGE: replace(
        READY,
        risk=("low", ""),
        close_preparation=True,
        households=100,
        list_days_ago=25,
        close_registration=True,
        nominees=14,
        formal=True,
        election_today=True,
    ),
    "溪口村": Plan(
        committee=5,
        evaluations="published",
        flagged=True,
        audit="recorded",
        audit_problems="2024年村道硬化工程未按规定公开招标；部分征地补偿款发放凭证不全。",
        risk=(
            "high",
            "村集体土地征收补偿分配存在争议，部分村民多次上访；现任主任民主测评不满意率达到"
            "标准，不得再提名。已由镇领导包村，审计问题整改后再公布审计结果。",
        ),
    ),
    "桃源村": replace(READY, committee=3, risk=("low", ""), close_preparation=True),
    "竹林村": Plan(committee=2, evaluations="entered"),
    "梅溪村": Plan(committee=5, evaluations="entered", risk=("low", "")),
    "龙潭村": Plan(
        committee=3,
        audit="published",
        risk=(
            "medium",
            "两个自然村合并后首次换届，村民小组之间对职数分配意见不一，须提前做好沟通。",
        ),
    ),
    "仙霞村": Plan(),
    "金坑村": replace(READY, risk=("low", "")),
    "长岭村": Plan(committee=5, risk=("low", "")),
    "上墅村": Plan(committee=4, evaluations="entered"),
}
#: The election-day village's logins: the chief scrutineer (总监票人, who also resolves
#: differences between the two clerks) and two counting clerks (计票人), each a villager
#: appointed as election staff after the training test.
ELECTION_DAY_USERS = [
    ("shimen", "总监票人"),
    ("shimen2", "计票人甲"),
    ("shimen3", "计票人乙"),
]
BALLOT_COLOURS = ["浅粉红", "浅黄", "浅蓝", "浅绿"]
BALLOT_SEALS = [
    "青山镇换届选举专用章（甲）",
    "青山镇换届选举专用章（乙）",
    "青山镇换届选举专用章（丙）",
]
#: The rest of 石门村's election-day staff (选举工作人员), after the three with logins.
OTHER_STAFF = ["scrutineer", "scrutineer", "caller", "issuer", "writer"]
AUDITOR = "青山镇农村集体“三资”管理服务中心"
POLICY = "示范县村（社区）组织换届工作实施方案（示范）"


def _area(name: str, parent: Area | None, code: str = "", *, is_community: bool = False) -> Area:
    found = Area.objects.filter(name=name, parent=parent).first()
    return found or area_create(
        acting_user=None, name=name, parent=parent, code=code, is_community=is_community
    )


def qingshan_register_path() -> Path:
    """Where the bundled sample register of 青山村 is (for the user to upload)."""
    return Path(str(resources.files("huanjie.examples") / QINGSHAN_FILE))


def seed_demo(out: TextIO) -> list[tuple[str, str, str]]:
    """Load the demonstration township (once); return the logins to print."""
    logins = [
        ("镇换届办（可建立选举、管理全镇）", "zhenban", PASSWORD),
        (f"{DEMO_VILLAGE}村民选举委员会（录入员甲）", "qingshan", PASSWORD),
        (f"{DEMO_VILLAGE}村民选举委员会（录入员乙）", "qingshan2", PASSWORD),
        *(
            (f"{ELECTION_DAY_VILLAGE}（今天选举日）{label}", u, PASSWORD)
            for u, label in ELECTION_DAY_USERS
        ),
        ("县级组织者（只看进度与统计）", "xian", PASSWORD),
    ]
    register = qingshan_register_path()
    if Area.objects.filter(name=TOWNSHIP, parent__name=COUNTY).exists():
        out.write("示范数据已存在，未重复载入。\n")
        voting = Election.objects.filter(
            area__name=ELECTION_DAY_VILLAGE, campaign__area__name=TOWNSHIP
        ).first()
        if voting is not None and voting.election_day < timezone.localdate():
            out.write(
                f"注意：示范数据载入于 {voting.election_day:%Y-%m-%d}，{ELECTION_DAY_VILLAGE}的"
                "选举日已过，不能再开始投票；如需重新演示选举日，请删除 var/ 目录后重新运行。\n"
            )
    else:
        out.write("正在载入示范乡镇……\n")
        with transaction.atomic():
            _seed(timezone.localdate())
        out.write(
            f"已载入：{COUNTY}{TOWNSHIP}，{len(VILLAGES)} 个村、{len(COMMUNITIES)} 个社区，"
            f"{Campaign.objects.get(area__name=TOWNSHIP).name}"
            f"（{len(PLANS)} 个村已开始，{DEMO_VILLAGE}尚未建立选举）。\n"
        )
    if register.is_file():
        out.write(f"{DEMO_VILLAGE}户籍人口登记表（示范，可在“选民登记”中导入）：{register}\n")
    return logins


def _seed(today: date) -> None:
    county = _area(COUNTY, None, code="330599")
    town = _area(TOWNSHIP, county, code="330599101")
    villages = {}
    # 12-digit statistical codes: village committees 2xx, residents' committees 0xx (voter
    # card numbers start with them).
    for n, (name, groups) in enumerate(VILLAGES, start=201):
        village = _area(name, town, code=f"{town.code}{n}")
        villages[name] = village
        for group in GROUP_NAMES[:groups]:
            _area(group, village)
    for n, name in enumerate(COMMUNITIES, start=1):
        _area(name, town, code=f"{town.code}{n:03d}", is_community=True)

    def user(username: str, full_name: str, role: Role, area: Area) -> AbstractBaseUser:
        return user_create(
            acting_user=None,
            username=username,
            password=PASSWORD,
            full_name=full_name,
            role=role,
            area=area,
            check_password=False,
        )

    office = user("zhenban", "青山镇换届办", Role.TOWNSHIP_OFFICE, town)
    user("xian", "示范县换届指导组", Role.COUNTY_ORGANISER, county)
    user("qingshan", "青山村选委会·王建国", Role.ELECTION_COMMITTEE, villages[DEMO_VILLAGE])
    user("qingshan2", "青山村选委会·李秀英", Role.ELECTION_COMMITTEE, villages[DEMO_VILLAGE])
    user("guanchayuan", "县人大观察员", Role.OBSERVER, town)
    campaign = plan.campaign_create(
        acting_user=office,
        area=town,
        term=12,
        default_profile="village/zhejiang",
        default_election_day=demo_election_day(today),
    )
    # The township's ballot papers and seals (the security features), one of each drawn at
    # random for a village when its ballots are ordered.
    ballots.security_set_update(
        acting_user=office, campaign=campaign, colours=BALLOT_COLOURS, seals=BALLOT_SEALS
    )
    prep.preparation_setting_update(
        acting_user=office,
        campaign=campaign,
        evaluation_required=True,
        evaluation_percent=30,
        evaluation_inclusive=True,
        evaluation_base="returned",
        pass_mark=85,
        basis=POLICY,
    )
    for index, (name, groups) in enumerate(VILLAGES):
        if name == DEMO_VILLAGE:
            continue
        village_plan = PLANS.get(name)
        election = plan.election_create(
            acting_user=office,
            campaign=campaign,
            area=villages[name],
            election_day=today
            if village_plan is not None and village_plan.election_today
            else demo_election_day(today),
            members=5 if index % 3 else 7,
            place=f"{name}文化礼堂",
        )
        if village_plan is not None:
            _Village(election, index, GROUP_NAMES[:groups], today, village_plan).carry_out()


class _Village:
    """One village's work so far, done through the services in the order people do it."""

    def __init__(self, election: Election, seed: int, groups: list[str], today: date, p: Plan):
        self.election = election
        self.name = election.area.name
        self.today = today
        self.plan = p
        # Committee members, incumbents and nominees are villagers of the village's register.
        self.register = villagers(
            self.name,
            groups,
            households=p.households or 60,
            seed=seed + 1,
            election_day=ELECTION_DAY,
        )
        adults = [
            v for v in self.register if 1956 <= v.birth_date.year <= 1996 and v.category == "1"
        ]
        self.men = [v for v in adults if v.sex == "M"]
        self.women = [v for v in adults if v.sex == "F"]

    def people(self, n: int, women: int, skip: int) -> list[Villager]:
        """``n`` adults, ``women`` of them women, taken from an offset of the register so
        that committee, incumbents and nominees are different people."""
        picked = self.women[skip : skip + women] + self.men[skip : skip + n - women]
        return sorted(picked, key=self.register.index)

    def stage(self, stage: Stage, action: Action) -> None:
        plan.stage_change(acting_user=None, election=self.election, stage=stage, action=action)

    def carry_out(self) -> None:
        p = self.plan
        self.stage(Stage.PREPARATION, Action.OPEN)
        if p.committee:
            self.committee(p.committee)
        if p.evaluations:
            self.evaluations(published=p.evaluations == "published", flagged=p.flagged)
        if p.audit:
            self.audit(published=p.audit == "published", problems=p.audit_problems)
        if p.risk:
            prep.risk_assess(
                acting_user=None, election=self.election, level=p.risk[0], notes=p.risk[1]
            )
        if not p.close_preparation:
            return
        self.stage(Stage.PREPARATION, Action.CLOSE)
        self.stage(Stage.REGISTRATION, Action.OPEN)
        if p.households:
            self.import_register()
        if p.list_days_ago is not None:
            self.publish_list(p.list_days_ago)
        if p.objection:
            self.objection(decided=p.objection == "decided")
        if not p.close_registration:
            return
        self.stage(Stage.REGISTRATION, Action.CLOSE)
        self.stage(Stage.NOMINATION, Action.OPEN)
        self.stage(Stage.PROXIES, Action.OPEN)
        if p.nominees:
            self.nominate(p.nominees)
        if p.formal:
            self.formal_list()

    def committee(self, size: int) -> None:
        """The village election committee chosen by the representatives' meeting."""
        for rank, v in enumerate(self.people(size, women=max(1, size // 3), skip=0), start=1):
            committee_services.committee_member_add(
                acting_user=None,
                election=self.election,
                name=v.name,
                sex=v.sex,
                id_number=v.id_number,
                selected_by=SelectedBy.REPRESENTATIVES_MEETING,
                rank=rank,
                votes=41 - rank * 2,
                role=CommitteeRole.CHAIR if rank == 1 else CommitteeRole.MEMBER,
            )

    def evaluations(self, *, published: bool, flagged: bool) -> None:
        """民主测评 of the outgoing (11th) committee by the villagers' representatives."""
        outgoing = self.people(4, women=1, skip=6)
        women = [v for v in outgoing if v.sex == "F"]
        men = [v for v in outgoing if v.sex == "M"]
        posts = [
            (men[0], Post.Kind.CHAIR),
            (men[1], Post.Kind.VICE_CHAIR),
            (women[0], Post.Kind.WOMEN_MEMBER),
            (men[2], Post.Kind.MEMBER),
        ]
        issued = 40 + len(self.name) * 3 % 7
        for n, (v, post) in enumerate(posts):
            returned = issued - 1
            dissatisfied = (returned * 3 + 9) // 10 + 1 if flagged and n == 0 else 2 + n
            basically = 6 + n
            prep.evaluation_enter(
                acting_user=None,
                election=self.election,
                incumbent_name=v.name,
                post=post,
                issued=issued,
                returned=returned,
                satisfied=returned - basically - dissatisfied,
                basically_satisfied=basically,
                dissatisfied=dissatisfied,
            )
        if published:
            prep.evaluation_publish(
                acting_user=None, election=self.election, published_on=self.today - timedelta(12)
            )

    def audit(self, *, published: bool, problems: str) -> None:
        end = min(date(2026, 10, 31), self.today - timedelta(days=20))
        income = 180 + len(self.register) % 90
        prep.financial_audit_record(
            acting_user=None,
            election=self.election,
            auditor=AUDITOR,
            period_start=date(2021, 1, 1),
            period_end=end,
            result=(
                f"审计期间村集体经济收入 {income} 万元、支出 {income - 23} 万元，期末结余 23 万元；"
                "财务收支记录完整，村务公开按季度进行。"
            ),
            problems=problems,
        )
        if published:
            prep.financial_audit_publish(
                acting_user=None, election=self.election, published_on=self.today - timedelta(6)
            )

    def import_register(self) -> None:
        # The last newcomer (第三类) is not in the household register: the committee adds
        # such people by hand, or (白云村) they object to the posted list.
        rows = self.register[:-1]
        data = register_csv(rows, title=f"{self.name}户籍人口登记表")
        batch = roll.import_start(
            acting_user=None,
            election=self.election,
            files=[(f"{self.name}户籍人口登记表.csv", data)],
        )
        batch = roll.import_run(batch_id=batch.pk, today=self.today)
        if batch.state != ImportBatch.State.DONE:
            raise RuntimeError(f"{self.name}的示范户籍登记表未能导入：{batch.message}")

    def publish_list(self, days_ago: int) -> None:
        latest, _ = roll.list_deadline(self.election)
        roll.list_publish(
            acting_user=None,
            election=self.election,
            published_on=min(self.today - timedelta(days=days_ago), latest),
            today=self.today,
        )

    def objection(self, *, decided: bool) -> None:
        pub = roll_selectors.publication(self.election)
        assert pub is not None
        filed_on = min(pub.published_on + timedelta(days=1), self.today)
        if decided:
            # Someone says a villager working in the city should not be on the list; he is
            # registered here and said he will vote (第十三条第二款第二项): not upheld.
            away = Voter.objects.filter(election=self.election, category=Category.AWAY_OPTED_IN)
            voter = (
                away.order_by("pk").first()
                or Voter.objects.filter(
                    election=self.election, status=VoterStatus.REGISTERED
                ).order_by("pk")[0]
            )
            objection = roll.objection_file(
                acting_user=None,
                election=self.election,
                filed_on=filed_on,
                filed_by_name=self.people(1, women=0, skip=12)[0].name,
                kind=Objection.Kind.REMOVE,
                content=f"{voter.name}常年在外地务工，不应列入本村选民名单。",
                voter=voter,
                today=self.today,
            )
            roll.objection_decide(
                acting_user=None,
                objection=objection,
                outcome=Objection.Outcome.REJECTED,
                reason=(
                    f"{voter.name}户籍在本村，本人已书面表示参加本村选举，依照村民委员会组织法"
                    "第十三条第二款第二项应当列入选民名单。"
                ),
                decided_on=min(filed_on + timedelta(days=2), self.today),
                today=self.today,
            )
        else:
            # A newcomer admitted by the representatives' meeting was left off the list.
            newcomer = self.register[-1]
            roll.objection_file(
                acting_user=None,
                election=self.election,
                filed_on=filed_on,
                filed_by_name=newcomer.name,
                kind=Objection.Kind.ADD,
                content=(
                    f"本人自{newcomer.residence_since:%Y年%m月}起在本村居住，已经村民代表会议同意"
                    f"参加选举（{newcomer.consent_ref}），选民名单中没有本人。"
                ),
                subject_name=newcomer.name,
                subject_id_number=newcomer.id_number,
                today=self.today,
            )

    def nominate(self, n: int) -> None:
        """The people named on the nomination ballots, listed before the tally is entered."""
        wanted = self.people(n, women=4, skip=14)
        found = {
            v.id_number: v
            for v in Voter.objects.filter(
                election=self.election,
                status=VoterStatus.REGISTERED,
                id_number__in=[w.id_number for w in wanted],
            )
        }
        nominees_add(
            acting_user=None, election=self.election, voters=[found[w.id_number] for w in wanted]
        )

    def formal_list(self) -> None:
        """Two clerks enter the same nomination tally; every department finds every
        preliminary candidate qualified; the formal list is posted six days before the
        election (浙江 第十八条第三款: at least five days before)."""
        chief, one, two = self.staff_logins()
        nominees = list(
            Nominee.objects.filter(election=self.election).select_related("voter").order_by("pk")
        )
        women = [n for n in nominees if n.voter.sex == "F"]
        men = [n for n in nominees if n.voter.sex != "F"]
        returned = 240
        counts: dict[str, int] = {}
        for post in self.election.posts.order_by("order"):
            pool = women if post.women_only else men
            named, pool[:] = pool[: post.seats + 1], pool[post.seats + 1 :]
            counts[issued_key(post.kind)] = returned + 12
            counts[returned_key(post.kind)] = returned
            for rank, nominee in enumerate(named):
                counts[votes_key(post.kind, nominee.label)] = 130 - 25 * rank - post.order
        r = cand.nomination_round_start(acting_user=one, election=self.election)
        r = cand.tally_submit(acting_user=one, round=r, counts=counts, acknowledged=True)
        cand.tally_submit(acting_user=two, round=r, counts=counts, acknowledged=True)
        reviewed_on = self.today - timedelta(days=8)
        for c in candidates(self.election).filter(status__in=["preliminary", "under_review"]):
            for department in Department.values:
                cand.review_record(
                    acting_user=chief,
                    candidate=c,
                    department=department,
                    finding="qualified",
                    reviewed_on=reviewed_on,
                )
        cand.notice_publish(
            acting_user=chief,
            election=self.election,
            kind="formal",
            start=self.today - timedelta(days=6),
            days=6,
        )
        self.stage(Stage.NOMINATION, Action.CLOSE)
        self.stage(Stage.PROXIES, Action.CLOSE)
        self.appoint_staff(chief)
        office = get_user_model().objects.get(username="zhenban")
        ballots.security_choose(acting_user=office, election=self.election)

    def staff_people(self) -> list[Voter]:
        """Eight villagers who are neither committee members, incumbents nor nominees."""
        picked = self.people(8, women=3, skip=30)
        found = {
            v.id_number: v
            for v in Voter.objects.filter(
                election=self.election, id_number__in=[p.id_number for p in picked]
            )
        }
        return [found[p.id_number] for p in picked]

    def staff_logins(self) -> list[AbstractBaseUser]:
        """The three election-staff logins of the village (the first three staff people)."""
        return [
            user_create(
                acting_user=None,
                username=username,
                password=PASSWORD,
                full_name=f"{self.name}·{person.name}（{label}）",
                role=Role.ELECTION_COMMITTEE,
                area=self.election.area,
                check_password=False,
            )
            for (username, label), person in zip(
                ELECTION_DAY_USERS, self.staff_people(), strict=False
            )
        ]

    def appoint_staff(self, chief: AbstractBaseUser) -> None:
        """The staff took the training test (pass mark 85) and are appointed by the committee:
        the 总监票人 and two 计票人 with logins, two 监票人, a 唱票人, a 验证发票人 and a 代书人."""
        people = self.staff_people()
        session = prep.training_session_create(
            acting_user=chief,
            election=self.election,
            title="选举工作人员培训",
            held_on=self.today - timedelta(days=3),
            trainer="青山镇换届办",
        )
        for n, person in enumerate(people):
            prep.trainee_score_enter(
                acting_user=chief,
                session=session,
                name=person.name,
                id_number=person.id_number,
                score=96 - n,
            )
        users = get_user_model().objects
        logins = [users.get(username=u) for u, _ in ELECTION_DAY_USERS]
        roles = ["chief_scrutineer", "counter", "counter", *OTHER_STAFF]
        for n, (person, role) in enumerate(zip(people, roles, strict=True)):
            polling.staff_add(
                acting_user=chief,
                election=self.election,
                role=role,
                voter=person,
                user=logins[n] if n < len(logins) else None,
            )
