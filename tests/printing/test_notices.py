"""公告: the general builder and each statutory notice built on it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from huanjie.printing import (
    Candidate,
    Heading,
    MissingCharactersError,
    Names,
    Notice,
    PostCandidates,
    Table,
    UnmaskedIdError,
    audit_results_notice,
    candidate_list_notice,
    election_committee_notice,
    evaluation_results_notice,
    notice,
    objection_decisions_notice,
    proxy_voting_notice,
)
from tests.printing import samples
from tests.printing.conftest import Raster, pdf_pages, pdf_text

LAW = "《中华人民共和国村民委员会组织法》"


def flat(pdf: bytes) -> str:
    return pdf_text(pdf).replace("\n", "")


def general() -> Notice:
    return Notice(
        title="关于召开青山村第十二届村民委员会选举大会的公告",
        doc_number="青选委〔2027〕5号",
        salutation="全体村民：",
        issuer="青山村村民选举委员会",
        date=date(2027, 3, 13),
        body=[
            "经村民选举委员会研究决定，定于2027年3月20日上午7:30在青山村文化礼堂召开选举大会，"
            "选举产生青山村第十二届村民委员会。",
            Heading("一、投票方式"),
            "选民凭选民证领取选票；受委托的选民凭委托投票证和本人选民证领取选票。",
            Names(["王建国", "李明华", "禤喆", "阿不都热依木·吾斯曼", "欧阳昇", "张伟"], per_row=4),
        ],
        table=Table(header=["序号", "投票站", "地点"], rows=[["1", "中心会场", "村文化礼堂"]]),
        closing=["请全体选民准时参加。"],
        basis=[f"{LAW}第十五条", "《浙江省村民委员会选举办法》第二十七条"],
        red=True,
    )


def test_a_general_notice_has_every_part_in_order() -> None:
    pdf = notice(general())
    text = flat(pdf)
    parts = [
        "关于召开青山村第十二届村民委员会选举大会的公告",
        "青选委〔2027〕5号",
        "全体村民：",
        "经村民选举委员会研究决定",
        "一、投票方式",
        "选民凭选民证领取选票",
        "阿不都热依木·吾斯曼",
        "投票站",
        "请全体选民准时参加。",
        f"依据：{LAW}第十五条；《浙江省村民委员会选举办法》第二十七条",
        "青山村村民选举委员会",
        "2027年3月13日",
    ]
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        assert found >= 0, part
        pos = found + len(part)
    assert "第 1 页 共 1 页" in text


def test_a_long_table_flows_over_pages_repeating_its_header_with_page_numbers() -> None:
    rows = [[str(i), f"张{i}号", "第一村民小组", "外出务工" * (i % 3)] for i in range(1, 121)]
    pdf = notice(
        Notice(
            title="测试公告",
            issuer="青山村村民选举委员会",
            date=date(2027, 3, 1),
            table=Table(header=["序号", "姓名", "村民小组", "备注"], rows=rows),
        )
    )
    pages = pdf_pages(pdf)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert "村民小组" in page
        assert f"第 {n} 页 共 {len(pages)} 页" in page
    assert "张120号" in pages[-1]
    # The signature never stands alone: the last rows of the table go with it.
    assert "张118号" in pages[-1]
    assert "青山村村民选举委员会" in pages[-1]


def test_a_notice_refuses_full_ids_missing_glyphs_and_ragged_tables() -> None:
    with pytest.raises(UnmaskedIdError):
        notice(
            Notice(
                title="公告", issuer="委员会", date=date(2027, 1, 1), body=["330523198501011234"]
            )
        )
    with pytest.raises(MissingCharactersError):
        notice(Notice(title="刘䶮", issuer="委员会", date=date(2027, 1, 1)))
    ragged = Table(header=["序号", "姓名"], rows=[["1"]])
    with pytest.raises(ValueError, match="row 1"):
        notice(Notice(title="公告", issuer="委员会", date=date(2027, 1, 1), table=ragged))


def test_proxy_voting_notice_lists_principals_and_proxies() -> None:
    pairs = samples.proxy_pairs(60)
    pdf = proxy_voting_notice(
        election=samples.ELECTION, issuer=samples.COMMITTEE, date=date(2027, 3, 16), pairs=pairs
    )
    text = flat(pdf)
    assert "青山村第十二届村民委员会选举委托投票公告" in text
    assert f"{LAW}第十五条第四款" in text
    assert "委托人共60人" in text
    for p in pairs:
        assert p.principal in text
        assert p.proxy in text
    assert len(pdf_pages(pdf)) >= 2
    assert all("与委托人关系" in page for page in pdf_pages(pdf))


def test_objection_decisions_notice() -> None:
    pdf = objection_decisions_notice(
        election=samples.ELECTION,
        issuer=samples.COMMITTEE,
        date=date(2027, 3, 4),
        decisions=samples.objection_decisions(),
        doc_number="青选委〔2027〕3号",
        red=True,
    )
    text = flat(pdf)
    assert "青山村第十二届村民委员会选举申诉处理决定公告" in text
    assert "三件申诉" in text
    assert f"{LAW}第十四条第二款" in text
    for d in samples.objection_decisions():
        assert d.applicant in text
    assert "申诉不成立，维持原名单" in text
    assert "2027年3月2日" in text


@pytest.mark.parametrize(("stage", "label"), [("preliminary", "初步"), ("final", "正式")])
def test_candidate_list_notices_keep_the_given_order_per_post(stage: str, label: str) -> None:
    posts = samples.candidates(final=stage == "final")
    pdf = candidate_list_notice(
        stage=stage,  # type: ignore[arg-type]
        election=samples.ELECTION,
        issuer=samples.COMMITTEE,
        date=date(2027, 3, 8),
        posts=posts,
    )
    text = flat(pdf)
    assert f"青山村第十二届村民委员会选举{label}候选人名单公告" in text
    assert "按姓氏笔画排序" in text
    pos = 0
    for post in posts:
        heading = f"{post.post}{label}候选人（应选{post.seats}名"
        pos = text.find(heading, pos)
        assert pos >= 0, heading
        for c in post.candidates:
            found = text.find(c.name, pos)
            assert found >= 0, c.name
            pos = found
    if stage == "preliminary":
        assert "现任村民委员会主任" in text
        assert "直接提名" in text


def test_candidate_notice_refuses_an_unknown_stage() -> None:
    with pytest.raises(ValueError, match="stage"):
        candidate_list_notice(
            stage="draft",  # type: ignore[arg-type]
            election=samples.ELECTION,
            issuer=samples.COMMITTEE,
            date=date(2027, 3, 8),
            posts=[],
        )


def test_election_committee_notice() -> None:
    text = flat(
        election_committee_notice(
            title="青山村村民选举委员会成员公告",
            issuer="青山村村民委员会",
            date=date(2027, 1, 20),
            members=samples.committee_members(),
            chosen_by="村民代表会议",
            chosen_on=date(2027, 1, 18),
        )
    )
    assert "经村民代表会议于2027年1月18日推选" in text
    assert "由以下5名成员组成" in text
    assert f"{LAW}第十二条" in text
    for m in samples.committee_members():
        assert m.name in text
    assert "村党组织书记" in text


def test_evaluation_results_notice() -> None:
    results = samples.evaluation_results()
    text = flat(
        evaluation_results_notice(
            title="青山村村民委员会成员民主测评结果公告",
            issuer="青山村村务监督委员会",
            date=date(2026, 12, 28),
            results=results,
            held_on=date(2026, 12, 25),
            participants=47,
        )
    )
    assert "参加测评47人" in text
    assert f"{LAW}第三十三条" in text
    for label in ("称职", "基本称职", "不称职", "测评结果"):
        assert label in text
    for r in results:
        assert r.name in text
    with pytest.raises(ValueError, match="counts"):
        evaluation_results_notice(
            title="t",
            issuer="i",
            date=date(2026, 12, 28),
            results=[results[0].__class__(name="王", post="主任", counts=[1, 2])],
        )


def test_audit_results_notice() -> None:
    text = flat(
        audit_results_notice(
            title="青山村第十一届村民委员会成员任期和离任经济责任审计结果公告",
            issuer="青山镇人民政府",
            date=date(2027, 1, 10),
            subject="青山村第十一届村民委员会成员",
            auditor="青山镇人民政府",
            findings=["审计认为，该村财务收支基本真实，会计核算基本规范。"],
            items=samples.audit_items(),
        )
    )
    assert "青山村第十一届村民委员会成员任期和离任经济责任审计结果公告" in text
    assert f"{LAW}第三十五条" in text
    assert "1,286,450.00" in text
    assert "金额（元）" in text
    assert "公益事业建设支出" in text


def test_notices_render_to_non_blank_pages(
    rasterise: Callable[[bytes, str], list[Raster]],
) -> None:
    built = {
        "notice_general": notice(general()),
        "notice_candidates_final": candidate_list_notice(
            stage="final",
            election=samples.ELECTION,
            issuer=samples.COMMITTEE,
            date=date(2027, 3, 12),
            posts=samples.candidates(final=True),
        ),
        "notice_objections": objection_decisions_notice(
            election=samples.ELECTION,
            issuer=samples.COMMITTEE,
            date=date(2027, 3, 4),
            decisions=samples.objection_decisions(),
        ),
    }
    for name, pdf in built.items():
        for page in rasterise(pdf, name):
            assert 0.005 < page.dark_share < 0.3


def _village_posts(members: int) -> list[PostCandidates]:
    """The posts of the walkthrough's 初步候选人名单 (by votes), ``members`` 委员 candidates."""

    def c(name: str, sex: str, age: int, votes: int) -> Candidate:
        return Candidate(name=name, sex=sex, age=age, note=f"提名票 {votes} 票")

    extra = ["郑鹏", "施小龙", "郑文斌", "应红梅", "俞素芬", "傅强", "陈立", "沈伟"]
    return [
        PostCandidates(
            post="主任", seats=1, candidates=[c("傅仁德", "男", 67, 152), c("傅亮", "男", 41, 87)]
        ),
        PostCandidates(
            post="副主任",
            seats=1,
            candidates=[c("施晓东", "男", 41, 131), c("应晓东", "男", 57, 78)],
        ),
        PostCandidates(
            post="妇女委员",
            seats=1,
            candidates=[c("陈桂英", "女", 66, 160), c("沈琴", "女", 43, 92)],
        ),
        PostCandidates(
            post="委员",
            seats=max(members - 1, 1),
            candidates=[
                c(name, "男", 40 + i, 170 - 10 * i) for i, name in enumerate(extra[:members])
            ],
        ),
    ]


_PERIOD = "公示期5日，自2026年11月21日至2026年11月26日（自公布次日起算，民法典第二百零一条）。"
_OBJECT = "对名单有异议的，请在公示期内向村民选举委员会或者乡镇人民政府反映。"


def _village_list(members: int, intro_lines: int = 0) -> bytes:
    intro = (
        f"根据{LAW}第十五条的规定，经登记参加选举的村民直接提名，现将青山村第12届村民委员会"
        "选举初步候选人名单公布如下：" + "（说明文字。）" * (12 * intro_lines)
    )
    return candidate_list_notice(
        stage="preliminary",
        election="青山村第12届村民委员会选举",
        issuer="青山村村民选举委员会",
        date=date(2026, 11, 21),
        posts=_village_posts(members),
        order_note="按提名得票多少为序",
        intro=intro,
        closing=[_PERIOD, _OBJECT],
        basis=[f"{LAW}第十五条第一款"],
    )


def test_the_closing_and_signature_stay_with_the_last_section() -> None:
    # The walkthrough's list ran one sentence over page 1: page 2 held that sentence and the
    # signature. Now the last section (委员) moves with the closing and the signature.
    pages = [p.replace("\n", "") for p in pdf_pages(_village_list(3))]
    last = pages[-1]
    for part in ("四、委员初步候选人", "郑文斌", "施小龙", "郑鹏", _PERIOD, _OBJECT):
        assert part in last, part
    assert "青山村村民选举委员会" in last
    assert "2026年11月21日" in last
    assert "郑鹏" not in "".join(pages[:-1])  # the section is not split across pages


@pytest.mark.parametrize("intro_lines", [0, 1, 2, 3])
@pytest.mark.parametrize("members", [1, 2, 3, 4, 5, 6, 8])
def test_a_page_never_holds_only_closing_sentences_and_the_signature(
    members: int, intro_lines: int
) -> None:
    pages = [p.replace("\n", "") for p in pdf_pages(_village_list(members, intro_lines))]
    last = pages[-1]
    assert _OBJECT in last
    assert "青山村村民选举委员会" in last
    names = [c.name for post in _village_posts(members) for c in post.candidates]
    assert any(name in last for name in names), f"{len(pages)} pages; last: {last[:80]}"


def test_a_notice_of_paragraphs_keeps_two_with_the_signature() -> None:
    for n in range(14, 26):
        body = [f"第{i}段。" + "村民选举委员会依法开展换届选举工作，" * 4 for i in range(1, n + 1)]
        pages = pdf_pages(
            notice(
                Notice(
                    title="公告", issuer="青山村村民选举委员会", date=date(2027, 1, 1), body=body
                )
            )
        )
        last = re.sub(r"第 \d+ 页 共 \d+ 页", "", pages[-1]).replace("\n", "")
        # Something of the paragraph before the last one is on the signature's page too.
        assert last.index(f"第{n}段") > 0, f"{n} paragraphs: {last[:60]}"
