"""The command-line contract of ``huanjie tally``, ``recall``, ``nominate`` and ``profiles``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "huanjie" / "examples"


def run(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "huanjie.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def base_round(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": "huanjie.round/1",
        "profile": "village/national",
        "kind": "regular",
        "electorate": 10,
        "issued": 6,
        "collected": 6,
        "posts": [{"name": "主任", "seats": 1}],
        "candidates": [{"name": "甲", "post": "主任"}, {"name": "乙", "post": "主任"}],
        "totals": {"主任": {"甲": 4, "乙": 2}},
        "invalid": 0,
    }
    data.update(changes)
    return data


def test_tally_reads_a_file_and_standard_input_alike(tmp_path: Path) -> None:
    f = tmp_path / "round.json"
    f.write_text(json.dumps(base_round(), ensure_ascii=False), encoding="utf-8")
    from_file = run("tally", str(f))
    from_stdin = run("tally", "-", stdin=f.read_text(encoding="utf-8"))
    assert from_file.returncode == from_stdin.returncode == 0
    assert json.loads(from_file.stdout) == json.loads(from_stdin.stdout)
    out = json.loads(from_file.stdout)
    assert out["schema"] == "huanjie.outcome/1"
    assert out["posts"][0]["elected"] == ["甲"]


def test_an_invalid_round_is_a_decision_exit_0() -> None:
    result = run("tally", "-", stdin=json.dumps(base_round(electorate=20)))
    assert result.returncode == 0
    out = json.loads(result.stdout)
    assert out["valid"] is False
    assert out["reasons"][-1]["code"] == "quorum_not_met"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{not json", "第 1 行第 2 列 JSON 格式错误"),
        (
            json.dumps(base_round(profile="village/atlantis")),
            "profile: unknown profile 'village/atlantis'",
        ),
        (json.dumps(base_round(candidates=[{"name": "甲", "post": "主席"}])), "candidates[0].post"),
        (json.dumps(base_round(collected=-1)), "collected: 不能为负数（-1）"),
        (json.dumps(base_round(issued="six")), "issued: 应为整数"),
        (json.dumps(base_round(kind="final")), "kind: 应为 regular | revote | additional"),
        (
            json.dumps(base_round(totals={"主任": {"甲": 7}})),
            "totals.主任.甲: 得票 7 多于有效选票 6",
        ),
        (
            json.dumps(
                {
                    **base_round(),
                    "boxes": [
                        {"name": "一", "collected": 4, "issued": 4},
                        {"name": "二", "collected": 4, "issued": 4},
                    ],
                }
            ),
            "collected: 与各票箱收回数之和 8 不一致",
        ),
        (
            json.dumps(
                {k: v for k, v in base_round().items() if k != "totals"} | {"ballots": [{}] * 5}
            ),
            "ballots: 录入选票 5 张，与收回选票数 6 不一致",
        ),
        (
            json.dumps(
                {k: v for k, v in base_round().items() if k != "totals"}
                | {"ballots": [{"主任": {"yes": ["丙"]}}] * 6}
            ),
            "ballots[0].主任.yes[0]: “丙”不是该职务的候选人",
        ),
        (
            json.dumps(
                {k: v for k, v in base_round().items() if k != "totals"}
                | {"ballots": [{"书记": {"yes": ["甲"]}}] * 6}
            ),
            "ballots[0].书记: 选票上没有职务“书记”",
        ),
        ("[1, 2]", "$: 输入应为一个 JSON 对象"),
    ],
)
def test_malformed_input_exit_2_with_one_clear_line(text: str, needle: str) -> None:
    result = run("tally", "-", stdin=text)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert needle in lines[0]


def test_missing_file_is_named() -> None:
    result = run("tally", "/nonexistent/round.json")
    assert result.returncode == 2
    assert "/nonexistent/round.json: 文件不存在" in result.stderr


def test_a_users_own_profile_file_extends_a_bundled_one(tmp_path: Path) -> None:
    profile = {
        "schema": "huanjie.profile/1",
        "id": "village/my-province",
        "extends": "village/national",
        "title": "某省村民委员会选举办法（测试）",
        "election_type": "village",
        "params": {
            "additional_window_days": {
                "value": 20,
                "citation": {"law": "某省办法", "ref": "第三十条"},
            },
            "reconcile": {
                "value": {"against": "issued", "scope": "box"},
                "citation": {"law": "某省办法", "ref": "第二十八条"},
            },
        },
    }
    (tmp_path / "my.json").write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    data = base_round(profile="my.json", issued=6)
    data.pop("collected")
    data["boxes"] = [
        {"name": "中心会场", "issued": 4, "collected": 5},
        {"name": "流动票箱", "issued": 2, "collected": 1},
    ]
    (tmp_path / "round.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("tally", str(tmp_path / "round.json"))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["profile"] == "village/my-province"
    assert out["valid"] is False
    assert out["reasons"][-1]["code"] == "ballots_exceed_issued"
    assert out["reasons"][-1]["article"] == "某省办法 第二十八条"
    assert "中心会场" in out["reasons"][-1]["text"]
    shown = run("profiles", "--show", str(tmp_path / "my.json"))
    assert json.loads(shown.stdout)["lineage"] == ["village/my-province", "village/national"]


def test_a_broken_profile_names_the_parameter(tmp_path: Path) -> None:
    profile = {
        "schema": "huanjie.profile/1",
        "id": "village/broken",
        "extends": "village/national",
        "params": {"overmark": {"value": "some", "citation": {"law": "某省办法", "ref": "第一条"}}},
    }
    (tmp_path / "broken.json").write_text(json.dumps(profile), encoding="utf-8")
    result = run("tally", "-", stdin=json.dumps(base_round(profile="broken.json")), cwd=tmp_path)
    assert result.returncode == 2
    assert "params.overmark.value: must be one of ballot, section" in result.stderr


def test_profiles_lists_every_bundled_profile() -> None:
    result = run("profiles")
    assert result.returncode == 0
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert ids == sorted(
        [
            "village/national",
            "village/zhejiang",
            "village/shanghai",
            "village/beijing",
            "village/henan",
            "residents/national",
            "party/branch",
            "people/national",
        ]
    )


def test_every_profile_parameter_cites_an_article() -> None:
    from huanjie.core.rules import bundled_ids, load_profile

    for pid in bundled_ids():
        profile = load_profile(pid)
        for name, param in profile.params.items():
            assert param.citations, (pid, name)
            assert all(c.law and c.ref for c in param.citations), (pid, name)


def test_the_demo_round_and_its_additional_round() -> None:
    result = run("tally", str(EXAMPLES / "zhejiang-village-round1.json"))
    out = json.loads(result.stdout)
    assert out["next_round"] == "additional"
    women = out["posts"][-1]
    assert women["next_candidates"] == ["周秀英", "徐丽娟"]
    assert women["next_women_only"] is True
    demo = run("demo")
    assert demo.returncode == 0
    assert "周秀英" in demo.stdout
    assert "选举结束" in demo.stdout


def test_recall_and_nominate_commands() -> None:
    recall = run(
        "recall",
        "-",
        stdin=json.dumps(
            {
                "schema": "huanjie.recall/1",
                "profile": "village/national",
                "electorate": 1200,
                "signatures": 240,
                "participants": 700,
                "approve": 351,
            }
        ),
    )
    assert recall.returncode == 0, recall.stderr
    assert json.loads(recall.stdout)["recalled"] is True
    party = run("recall", "-", stdin=json.dumps({"profile": "party/branch", "electorate": 10}))
    assert party.returncode == 2
    assert "不适用选民罢免程序" in party.stderr
    nominate = run(
        "nominate",
        "-",
        stdin=json.dumps(
            {
                "schema": "huanjie.nomination/1",
                "profile": "village/shanghai",
                "posts": [
                    {"name": "主任", "seats": 1},
                    {"name": "委员", "seats": 2, "candidates": 4},
                ],
                "persons": [{"name": "丙", "sex": "F"}],
                "ballots": [
                    {"主任": ["甲"], "委员": ["丙", "丁"]},
                    {"主任": ["乙"], "委员": ["丙", "戊"]},
                    {"主任": ["甲"], "委员": ["甲"]},
                    {"主任": ["甲", "乙"], "委员": ["己"]},
                ],
            }
        ),
    )
    assert nominate.returncode == 0, nominate.stderr
    out = json.loads(nominate.stdout)
    assert (
        out["void_nominations"] == 4
    )  # 甲 named for two posts (2), two names for one 主任 seat (2)
    assert sorted(out["posts"][0]["candidates"]) == sorted(["甲", "乙"])  # 1 vote each, 2 places
    assert out["posts"][1]["candidates"] == ["丙", "丁", "己", "戊"]
    bad = run(
        "nominate",
        "-",
        stdin=json.dumps(
            {
                "profile": "village/shanghai",
                "posts": [{"name": "委员", "seats": 2, "candidates": 6}],
                "totals": {"委员": {}},
            }
        ),
    )
    assert bad.returncode == 2
    assert "不在差额范围 3–5 内" in bad.stderr
