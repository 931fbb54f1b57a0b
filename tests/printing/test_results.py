"""The result forms: 选举结果报告单, 当选证书 and 选举结果公告.

Each is rendered, its text extracted with pypdf and compared, and its pages rasterised with
pdftoppm and kept under ``$HUANJIE_TEST_OUTPUT/results/`` for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from huanjie.printing import MissingCharactersError, UnmaskedIdError
from huanjie.printing.results import (
    BoxFigures,
    CandidateVotes,
    Certificate,
    CertificateBatch,
    Decision,
    ElectedMember,
    PostResult,
    ResultReport,
    certificates,
    election_result_notice,
    result_report,
)
from tests.printing.conftest import Raster, pdf_pages, pdf_text

ELECTION = "青山村第十二届村民委员会选举"
COMMITTEE = "青山村村民选举委员会"
ZJ = "《浙江省村民委员会选举办法》"


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """Rendered pages go to ``$HUANJIE_TEST_OUTPUT/results`` (overrides the printing one)."""
    env = os.environ.get("HUANJIE_TEST_OUTPUT")
    if not env:
        return tmp_path
    path = Path(env) / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def flat(pdf: bytes) -> str:
    return pdf_text(pdf).replace("\n", "")


def in_order(text: str, parts: list[str]) -> None:
    """Every part in ``text`` in this order, ignoring white space (pypdf gives the ideographic
    space as a space, and a line break may swallow one)."""
    text = re.sub(r"\s", "", text)
    pos = 0
    for raw in parts:
        part = re.sub(r"\s", "", raw)
        found = text.find(part, pos)
        assert found >= 0, f"{raw!r} not found after position {pos}"
        pos = found + len(part)


def post(
    name: str,
    seats: int,
    votes: dict[str, int],
    elected: set[str],
    threshold: int = 27,
    **extra: object,
) -> PostResult:
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    return PostResult(
        name=name,
        seats=seats,
        threshold=threshold,
        rule=f"得票须过半数：得票 × 2 > 参加投票人数 52，即至少 {threshold} 票",
        candidates=[
            CandidateVotes(
                name=n,
                votes=v,
                elected=n in elected,
                result="当选" if n in elected else "未当选",
                write_in=n.endswith("乙"),
            )
            for n, v in ranked
        ],
        **extra,  # type: ignore[arg-type]
    )


def report(**overrides: object) -> ResultReport:
    data: dict[str, object] = {
        "election": ELECTION,
        "round_title": "第1轮　正式选举",
        "held_on": date(2027, 3, 20),
        "place": "青山村文化礼堂",
        "rules": "浙江省村民委员会选举（《浙江省村民委员会选举办法》2020年7月31日修正）",
        "issuer": COMMITTEE,
        "date": date(2027, 3, 20),
        "electorate": 60,
        "voters": 53,
        "issued": 53,
        "collected": 52,
        "valid_ballots": 50,
        "invalid_ballots": 2,
        "blank_ballots": 1,
        "valid": True,
        "posts": [
            post("主任", 1, {"李明": 40, "王强": 10}, {"李明"}, valid=50, invalid=2, blank=0),
            post("副主任", 1, {"赵刚": 20, "彭军": 18, "王伟乙": 3}, set()),
            post("妇女委员", 1, {"田芳": 30, "林秀英": 19}, {"田芳"}),
            post("委员", 2, {"徐亮": 33, "朱平": 28, "曹勇": 12}, {"徐亮", "朱平"}),
        ],
        "boxes": [
            BoxFigures(name="中心会场票箱", voters=48, issued=48, collected=47),
            BoxFigures(name="流动票箱1", voters=5, issued=5, collected=5),
        ],
        "decisions": [
            Decision(
                text="参加投票人数 52，登记选民数 60，须过半数（52 × 2 = 104 > 60）：达到法定人数",
                article=f"{ZJ}第二十七条第一款",
            ),
            Decision(
                text="副主任：尚缺 1 名，另行选举候选人按本轮得票多少依次确定，不少于 2 人",
                article=f"{ZJ}第二十九条第二款",
            ),
        ],
        "chief_scrutineer": ["周建华"],
        "scrutineers": ["吴敏", "郑丽"],
        "counters": ["陈伟", "黄静"],
        "callers": ["刘洋"],
        "chair": "张国庆",
        "check_code": "3f9a1c0e7b2d4a55",
        "basis": ["《中华人民共和国村民委员会组织法》第十五条", f"{ZJ}第二十七条、第二十八条"],
    }
    data.update(overrides)
    return ResultReport(**data)  # type: ignore[arg-type]


def test_the_report_carries_every_figure_post_decision_and_signature_line(
    rasterise: Callable[[bytes, str], list[Raster]],
) -> None:
    pdf = result_report(report())
    text = flat(pdf)
    in_order(
        text,
        [
            "选举结果报告单",
            f"{ELECTION}　第1轮　正式选举",
            "投票日期：2027年3月20日",
            "青山村文化礼堂",
            "一、投票情况",
            "登记选民",
            "投票人数",
            "发出选票",
            "收回选票",
            "有效票",
            "无效票",
            "空白票",
            "60",
            "53",
            "53",
            "52",
            "50",
            "2",
            "1",
            "本次投票有效。",
            "二、各票箱",
            "中心会场票箱",
            "48",
            "48",
            "47",
            "流动票箱1",
            "5",
            "5",
            "5",
            "合计",
            "53",
            "53",
            "52",
            "三、各职务得票情况",
            "主任（应选 1 名）",
            "当选票数：得票须过半数：得票 × 2 > 参加投票人数 52，即至少 27 票",
            "本栏有效 50 张，无效 2 张，空白（弃权） 0 张",
            "李明",
            "40",
            "当选",
            "王强",
            "10",
            "未当选",
            "副主任（应选 1 名）",
            "王伟乙（另选他人）",
            "3",
            "妇女委员（应选 1 名）",
            "田芳",
            "30",
            "当选",
            "委员（应选 2 名）",
            "徐亮",
            "33",
            "朱平",
            "28",
            "曹勇",
            "12",
            "四、依法作出的决定",
            "达到法定人数",
            f"{ZJ}第二十七条第一款",
            "尚缺 1 名",
            f"{ZJ}第二十九条第二款",
            "总监票人",
            "周建华",
            "监票人",
            "吴敏",
            "郑丽",
            "计票人",
            "陈伟",
            "黄静",
            "唱票人",
            "刘洋",
            "村民选举委员会主任",
            "张国庆",
            "依据：《中华人民共和国村民委员会组织法》第十五条",
            f"{COMMITTEE}（盖章）",
            "2027年3月20日",
        ],
    )
    pages = pdf_pages(pdf)
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
        assert "核对码 3f9a1c0e7b2d4a55" in page
    rasters = rasterise(pdf, "report")
    assert len(rasters) == len(pages) <= 2
    for r in rasters:
        assert 0.003 < r.dark_share < 0.25


def test_a_report_without_staff_names_leaves_lines_to_sign_and_no_boxes_section() -> None:
    pdf = result_report(
        report(boxes=[], chief_scrutineer=[], scrutineers=[], counters=[], callers=[], chair="")
    )
    text = flat(pdf)
    assert "各票箱" not in text
    in_order(
        text, ["二、各职务得票情况", "三、依法作出的决定", "总监票人", "监票人", "计票人", "唱票人"]
    )


def test_an_invalid_round_says_so() -> None:
    pdf = result_report(
        report(
            valid=False,
            collected=54,
            valid_ballots=0,
            invalid_ballots=0,
            blank_ballots=None,
            posts=[],
            decisions=[
                Decision(
                    text="本次投票收回选票 54 张，多于投票人数 53，选举无效，应重新投票",
                    article=f"{ZJ}第二十七条第二款",
                )
            ],
        )
    )
    text = flat(pdf)
    assert "本次投票无效，应当重新投票。" in text
    assert "收回选票 54 张，多于投票人数 53" in text
    assert "—" in text  # no count of blank ballots


def test_a_long_report_flows_over_pages_with_numbers(
    rasterise: Callable[[bytes, str], list[Raster]],
) -> None:
    many = {f"候选{i:02d}号": 60 - i for i in range(40)}
    pdf = result_report(report(posts=[post("委员", 5, many, set(list(many)[:5]))]))
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    assert "候选39号" in flat(pdf)
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
    # The signature block stays whole on one page.
    assert sum("总监票人" in p for p in pages) == 1
    last = next(p for p in pages if "总监票人" in p)
    assert COMMITTEE in last
    rasterise(pdf, "report-long")


def test_the_report_refuses_full_ids_and_missing_glyphs() -> None:
    with pytest.raises(UnmaskedIdError):
        result_report(report(place="身份证 330523198501011234"))
    with pytest.raises(MissingCharactersError):
        result_report(report(chair="刘䶮"))
    pdf = result_report(report(chair="刘䶮"), missing="mark")
    assert "刘〓" in flat(pdf)


def batch(**overrides: object) -> CertificateBatch:
    data: dict[str, object] = {
        "body": "青山村第十二届村民委员会",
        "election": ELECTION,
        "elected_on": date(2027, 3, 20),
        "term": "任期五年",
        "issuer": COMMITTEE,
        "issued": date(2027, 3, 21),
        "basis": "《上海市村民委员会选举办法》第二十二条",
        "certificates": [
            Certificate(name="李明", post="主任", serial="青山〔2027〕第1号"),
            Certificate(name="田芳", post="妇女委员", serial="青山〔2027〕第2号"),
            Certificate(name="阿不都热依木·吾斯曼", post="委员", serial="青山〔2027〕第3号"),
        ],
    }
    data.update(overrides)
    return CertificateBatch(**data)  # type: ignore[arg-type]


def test_one_certificate_per_winner_with_post_term_issuer_and_seal_area(
    rasterise: Callable[[bytes, str], list[Raster]],
) -> None:
    pdf = certificates(batch())
    pages = [p.replace("\n", "") for p in pdf_pages(pdf)]
    assert len(pages) == 3
    for page, (name, post_name, n) in zip(
        pages,
        [("李明", "主任", 1), ("田芳", "妇女委员", 2), ("阿不都热依木·吾斯曼", "委员", 3)],
        strict=True,
    ):
        for part in (
            f"编号：青山〔2027〕第{n}号",
            f"{name}同志：",
            f"你当选为青山村第十二届村民委员会{post_name}，任期五年。",
            "特发此证。",
            COMMITTEE,
            "（盖章）",
            "2027年3月21日",
            "《上海市村民委员会选举办法》第二十二条",
        ):
            assert part in page, (part, page)
        assert "当选证书" in page.replace(" ", "")
    rasters = rasterise(pdf, "certificates")
    assert len(rasters) == 3
    for r in rasters:
        assert r.width > r.height  # landscape
        assert 0.005 < r.dark_share < 0.2


def test_certificates_refuse_missing_glyphs_and_full_ids() -> None:
    with pytest.raises(MissingCharactersError):
        certificates(batch(certificates=[Certificate(name="刘䶮", post="主任")]))
    with pytest.raises(UnmaskedIdError):
        certificates(batch(certificates=[Certificate(name="李明 330523198501011234", post="主任")]))


def members() -> list[ElectedMember]:
    return [
        ElectedMember(post="主任", name="李明", sex="男", votes=40, round="第1轮"),
        ElectedMember(post="妇女委员", name="田芳", sex="女", votes=30, round="第1轮"),
        ElectedMember(post="委员", name="徐亮", sex="男", votes=33, round="第1轮"),
        ElectedMember(post="委员", name="朱平", sex="男", votes=28, round="第1轮"),
        ElectedMember(post="副主任", name="赵刚", sex="男", votes=25, round="第2轮 另行选举"),
    ]


def test_the_public_notice_lists_the_new_committee_without_personal_data(
    rasterise: Callable[[bytes, str], list[Raster]],
) -> None:
    pdf = election_result_notice(
        election=ELECTION,
        body="青山村第十二届村民委员会",
        issuer=COMMITTEE,
        date=date(2027, 3, 20),
        summary=[
            "2027年3月20日，青山村召开选举大会。全村登记选民 60 人，参加投票 52 人，选举有效。",
            "副主任 1 名于2027年3月27日另行选举产生。",
        ],
        members=members(),
        closing=["对选举结果有异议的，可以向乡镇人民政府反映。"],
        basis=["《中华人民共和国村民委员会组织法》第十五条", f"{ZJ}第三十二条"],
    )
    text = flat(pdf)
    in_order(
        text,
        [
            f"{ELECTION}结果公告",
            "全体村民：",
            "全村登记选民 60 人，参加投票 52 人，选举有效。",
            "青山村第十二届村民委员会成员（5 名）",
            "序号",
            "职务",
            "姓名",
            "性别",
            "得票数",
            "产生方式",
            "1",
            "主任",
            "李明",
            "男",
            "40",
            "第1轮",
            "副主任",
            "赵刚",
            "男",
            "25",
            "第2轮 另行选举",
            "对选举结果有异议的",
            "依据：《中华人民共和国村民委员会组织法》第十五条",
            COMMITTEE,
            "2027年3月20日",
        ],
    )
    assert "身份证" not in text
    rasterise(pdf, "notice")
    with pytest.raises(UnmaskedIdError):
        election_result_notice(
            election=ELECTION,
            body="青山村第十二届村民委员会",
            issuer=COMMITTEE,
            date=date(2027, 3, 20),
            summary=[],
            members=[ElectedMember(post="主任", name="李明 33052319850101123X")],
        )


def test_a_notice_of_one_round_has_no_round_column_and_says_when_nobody_is_elected() -> None:
    one = [m for m in members() if m.round == "第1轮"]
    text = flat(
        election_result_notice(
            election=ELECTION,
            body="青山村第十二届村民委员会",
            issuer=COMMITTEE,
            date=date(2027, 3, 20),
            summary=["选举有效。"],
            members=one,
        )
    )
    assert "产生方式" not in text
    empty = flat(
        election_result_notice(
            election=ELECTION,
            body="青山社区第十二届居民委员会",
            issuer="青山社区居民选举委员会",
            date=date(2027, 3, 20),
            summary=["选举无效。"],
            members=[],
        )
    )
    assert "全体居民：" in empty
    assert "本次选举没有产生当选人。" in empty
