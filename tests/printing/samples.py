"""Realistic sample data for the printing tests (a village in Anji county, Zhejiang)."""

from __future__ import annotations

import random
from datetime import date

from huanjie.printing import (
    AuditItem,
    Candidate,
    CommitteeMember,
    EvaluationResult,
    ObjectionDecision,
    PostCandidates,
    ProxyCertificate,
    ProxyCertificateBatch,
    ProxyPair,
    RegistrationCategory,
    Voter,
    VoterCard,
    VoterCardBatch,
    VoterGroup,
    VoterListNotice,
)

ELECTION = "青山村第十二届村民委员会选举"
COMMITTEE = "青山村村民选举委员会"
PUBLISHED = date(2027, 2, 26)
ELECTION_DAY = date(2027, 3, 20)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂文辉建华国民志红海春晓玲云飞鹏波宇浩亮"
# Names a printer must not get wrong: rare characters, compound surnames, a minority name.
SPECIAL = ("禤喆", "亓官堃", "欧阳昇", "阿不都热依木·吾斯曼", "单于珺", "覃玥", "訾赟", "隗燊")
GROUPS = ("第一村民小组", "第二村民小组", "第三村民小组", "第四村民小组", "第五村民小组")
CATEGORIES = (
    [RegistrationCategory.RESIDENT] * 8
    + [RegistrationCategory.ABSENT_OPTED_IN]
    + [RegistrationCategory.NONRESIDENT_ADMITTED]
)


def masked_id(rng: random.Random) -> str:
    return f"330523********{rng.randrange(10_000):04d}"


def voters(n: int, seed: int = 7) -> list[Voter]:
    rng = random.Random(seed)
    out: list[Voter] = []
    for i in range(n):
        if i < len(SPECIAL):
            name = SPECIAL[i]
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        category = rng.choice(CATEGORIES)
        note = ""
        if category == RegistrationCategory.ABSENT_OPTED_IN:
            note = rng.choice(("在杭州务工，本人书面表示参加选举", "外出经商"))
        elif category == RegistrationCategory.NONRESIDENT_ADMITTED:
            note = "经2027年1月10日村民代表会议同意"
        out.append(
            Voter(
                name=name,
                sex=rng.choice("男女"),
                birth=date(rng.randint(1935, 2009), rng.randint(1, 12), 1),
                id_masked=masked_id(rng),
                category=category,
                note=note,
            )
        )
    return out


def voter_list(n: int = 300, seed: int = 7) -> VoterListNotice:
    people = voters(n, seed)
    size = -(-n // len(GROUPS))
    return VoterListNotice(
        title=f"{ELECTION}选民名单",
        committee=COMMITTEE,
        published=PUBLISHED,
        election_day=ELECTION_DAY,
        groups=[
            VoterGroup(name=g, voters=people[i * size : (i + 1) * size])
            for i, g in enumerate(GROUPS)
        ],
    )


def card_batch(n: int = 20, seed: int = 7) -> VoterCardBatch:
    people = voters(n, seed)
    return VoterCardBatch(
        village="青山村",
        election=ELECTION,
        committee=COMMITTEE,
        election_day=ELECTION_DAY,
        place="青山村文化礼堂（中心会场）",
        hours="上午7:30至12:00",
        cards=[
            VoterCard(
                name=v.name,
                group=GROUPS[i % len(GROUPS)],
                serial=f"QS-2027-{i + 1:06d}",
                qr_payload=f"QS-2027-{i + 1:06d}.{(i * 2654435761) % 16**12:012x}",
                place="第三投票站（村老年活动中心）" if i % 7 == 3 else None,
            )
            for i, v in enumerate(people)
        ],
    )


def proxy_batch() -> ProxyCertificateBatch:
    pairs = [
        ("王建国", "第一村民小组", "王晓明", "儿子", "主任、副主任、委员、妇女委员"),
        ("禤喆", "第二村民小组", "禤秀英", "妻子", "主任、委员"),
        ("阿不都热依木·吾斯曼", "第三村民小组", "帕尔哈提·买买提", "兄弟", "主任"),
        ("欧阳昇", "第四村民小组", "欧阳丽", "女儿", "主任、副主任、委员"),
        ("李桂兰", "第五村民小组", "张伟", "女婿", "委员"),
    ]
    return ProxyCertificateBatch(
        election=ELECTION,
        committee=COMMITTEE,
        election_day=ELECTION_DAY,
        issued=date(2027, 3, 15),
        certificates=[
            ProxyCertificate(
                principal=p,
                principal_group=g,
                proxy=q,
                relation=r,
                posts=posts.split("、"),
                serial=f"QS-WT-2027-{i:04d}",
                qr_payload=f"QS-WT-2027-{i:04d}.9f3c2a{i:02d}",
                principal_card=f"QS-2027-{100 + i:06d}",
                proxy_card=f"QS-2027-{200 + i:06d}",
            )
            for i, (p, g, q, r, posts) in enumerate(pairs, start=1)
        ],
    )


def proxy_pairs(n: int = 40) -> list[ProxyPair]:
    rng = random.Random(3)
    rel = ("儿子", "女儿", "妻子", "丈夫", "父亲", "母亲", "兄弟", "姐妹")
    out = [ProxyPair(principal="禤喆", proxy="禤秀英", relation="妻子", principal_group=GROUPS[1])]
    for i in range(n - 1):
        sur = rng.choice(SURNAMES)
        out.append(
            ProxyPair(
                principal=sur + rng.choice(GIVEN) + rng.choice(GIVEN),
                proxy=sur + rng.choice(GIVEN),
                relation=rng.choice(rel),
                principal_group=GROUPS[i % len(GROUPS)],
                note="外出务工" if i % 6 == 0 else "",
            )
        )
    return out


def objection_decisions() -> list[ObjectionDecision]:
    return [
        ObjectionDecision(
            applicant="张国华",
            matter="本人户籍在本村并居住，未列入选民名单",
            decision="申诉成立，补列入第三村民小组选民名单",
            reason="经核对户籍登记，符合组织法第十三条规定的条件",
            received=date(2027, 2, 28),
        ),
        ObjectionDecision(
            applicant="李秀英",
            matter="认为选民刘某某已于2026年12月去世，应从名单中除名",
            decision="申诉成立，将其从选民名单中除名",
            reason="经核实死亡证明属实",
            received=date(2027, 3, 1),
        ),
        ObjectionDecision(
            applicant="陈明",
            matter="要求将户籍不在本村的亲属列入选民名单",
            decision="申诉不成立，维持原名单",
            reason="该亲属在本村居住未满一年，不符合组织法第十三条第二款第三项的条件",
            received=date(2027, 3, 2),
        ),
    ]


def candidates(final: bool) -> list[PostCandidates]:
    if final:
        return [
            PostCandidates(
                post="主任", seats=1, candidates=[Candidate(name=n) for n in ("王建国", "李明华")]
            ),
            PostCandidates(
                post="副主任", seats=1, candidates=[Candidate(name=n) for n in ("孙丽", "禤喆")]
            ),
            PostCandidates(
                post="委员",
                seats=2,
                candidates=[Candidate(name=n) for n in ("刘强", "张伟", "欧阳昇")],
            ),
            PostCandidates(
                post="妇女委员", seats=1, candidates=[Candidate(name=n) for n in ("朱秀英", "陈芳")]
            ),
        ]
    return [
        PostCandidates(
            post="主任",
            seats=1,
            candidates=[
                Candidate(name="王建国", sex="男", age=52, note="现任村民委员会主任"),
                Candidate(name="李明华", sex="男", age=45),
                Candidate(name="张桂兰", sex="女", age=49),
            ],
        ),
        PostCandidates(
            post="委员",
            seats=3,
            candidates=[
                Candidate(name=n, sex=s, age=a)
                for n, s, a in (
                    ("刘强", "男", 38),
                    ("孙丽", "女", 41),
                    ("张伟", "男", 35),
                    ("欧阳昇", "男", 29),
                    ("禤喆", "女", 33),
                )
            ],
        ),
    ]


def committee_members() -> list[CommitteeMember]:
    return [
        CommitteeMember(name="周建华", role="主任", sex="男", note="村党组织书记"),
        CommitteeMember(name="吴秀兰", role="委员", sex="女"),
        CommitteeMember(name="郑国强", role="委员", sex="男"),
        CommitteeMember(name="冯丽", role="委员", sex="女"),
        CommitteeMember(name="亓官堃", role="委员", sex="男"),
    ]


def evaluation_results() -> list[EvaluationResult]:
    return [
        EvaluationResult(name="王建国", post="主任", counts=[41, 5, 1], conclusion="称职"),
        EvaluationResult(name="孙丽", post="副主任", counts=[38, 8, 1], conclusion="称职"),
        EvaluationResult(name="刘强", post="委员", counts=[20, 18, 9], conclusion="基本称职"),
        EvaluationResult(name="朱秀英", post="妇女委员", counts=[44, 3, 0], conclusion="称职"),
    ]


def audit_items() -> list[AuditItem]:
    return [
        AuditItem(item="村级集体经济收入", amount="1,286,450.00", note="含物业出租收入"),
        AuditItem(item="上级财政转移支付", amount="420,000.00"),
        AuditItem(
            item="公益事业建设支出（村道硬化工程）", amount="356,780.50", note="已按规定公开招标"
        ),
        AuditItem(
            item="应收款项", amount="48,200.00", note="其中三年以上未收回 12,000.00 元，建议清收"
        ),
    ]
