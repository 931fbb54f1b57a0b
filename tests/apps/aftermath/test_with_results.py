"""With the results part deciding a real vote: the new committee, the day it came into being,
the handover and the archive with the result documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.aftermath import archive, selectors, services
from huanjie.core import aftermath as core

pytestmark = pytest.mark.django_db


def test_the_new_committee_comes_from_the_results(voted: Any, users: dict[str, Any]) -> None:
    members = selectors.new_committee(voted)
    assert [(m.post_name, m.name, m.votes) for m in members] == [
        ("主任", "李明", 40),
        ("副主任", "赵刚", 30),
        ("妇女委员", "田芳", 30),
        ("委员", "徐亮", 35),
        ("委员", "朱平", 30),
    ]
    assert all(m.id_number for m in members)  # matched to the roll through voter_id
    h = services.handover_start(acting_user=users["qingshan"], election=voted)
    assert h.constituted_on == timezone.localdate()
    assert h.basis.startswith("第1轮投票")


def test_archive_holds_the_result_documents(
    voted: Any, users: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    pkg = services.archive_start(acting_user=users["qingshan"], election=voted)
    pkg = archive.build(package_id=pkg.pk)
    path = archive.package_file(pkg)
    assert path is not None
    files = archive.read_zip(path.read_bytes())
    manifest = json.loads(files[core.MANIFEST])
    titles = {f["title"] for f in manifest["files"]}
    assert {"计票输入与结果", "选举结果报告单", "当选证书", "选举结果公告"} <= titles
    missing = {m["title"] for m in manifest["missing"]}
    assert not missing & {"选举结果报告单", "当选证书", "选举结果公告"}
    assert [r.code for r in archive.verify(path.read_bytes(), pkg)] == ["package_intact"]
