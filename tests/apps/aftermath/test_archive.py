"""The archive package (选举档案, 第三十四条): built in the background, every file in the
manifest with its SHA-256, missing documents listed, and tampering found."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from huanjie.apps.aftermath import archive, selectors, services
from huanjie.apps.aftermath.models import ArchivePackage
from huanjie.apps.aftermath.services import AftermathError
from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.audit.services import entry_hash
from huanjie.core import aftermath as core

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE
    return tmp_path


def rezip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def built(user: Any, election: Any) -> ArchivePackage:
    pkg = services.archive_start(acting_user=user, election=election)
    return archive.build(package_id=pkg.pk)


def test_package_holds_every_document_with_its_hash(
    decided: Any, users: dict[str, Any], media: Path
) -> None:
    services.handover_start(acting_user=users["qingshan"], election=decided)
    pkg = built(users["qingshan"], decided)
    assert pkg.state == ArchivePackage.State.DONE
    path = archive.package_file(pkg)
    assert path is not None
    data = path.read_bytes()
    assert core.sha256(data) == pkg.sha256
    files = archive.read_zip(data)
    manifest = json.loads(files[core.MANIFEST])
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(files) == set(listed) | {core.MANIFEST, core.LISTING}
    for name, entry in listed.items():
        assert core.sha256(files[name]) == entry["sha256"]
    titles = {f["title"] for f in manifest["files"]}
    assert {
        "候选人名单公告",
        "计票输入与结果",
        "选举结果报告单",
        "当选证书",
        "选举结果公告",
        "工作移交清单",
        "选后工作记录",
        "审计日志摘录",
    } <= titles
    missing = {m["title"]: m["reason"] for m in manifest["missing"]}
    # the shared fixture never posts the voter list nor records the election committee
    assert missing["选民名单"] == "选民名单尚未公布"
    assert missing["村民选举委员会成员公告"] == "尚无在任的村民选举委员会成员，无法生成公告"
    assert not titles & set(missing)
    assert missing == {m["title"]: m["reason"] for m in pkg.missing}
    # the audit extract is the village's part of the chain, hashes included
    lines = [json.loads(x) for x in files["审计日志.jsonl"].decode().splitlines()]
    assert lines
    assert {"seq", "hash", "prev_hash", "action"} <= set(lines[0])
    assert all(x["area_path"].startswith(decided.area.path) for x in lines)
    assert "aftermath.handover_start" in {x["action"] for x in lines}
    # each line carries every hashed field: its hash is recomputed from the line alone
    for x in lines:
        fields = {k: v for k, v in x.items() if k not in ("hash", "prev_hash")}
        assert entry_hash(x["prev_hash"], fields) == x["hash"]
    listing = files[core.LISTING].decode()
    assert "未能归档" in listing
    assert listed["审计日志.jsonl"]["sha256"] in listing
    assert [r.code for r in archive.verify(data, pkg)] == ["package_intact"]
    assert AuditEntry.objects.filter(action="aftermath.archive_built").get().after["sha256"] == (
        pkg.sha256
    )


def test_tampering_with_one_file_is_detected(
    decided: Any, users: dict[str, Any], media: Path
) -> None:
    pkg = built(users["qingshan"], decided)
    path = archive.package_file(pkg)
    assert path is not None
    files = archive.read_zip(path.read_bytes())
    target = next(n for n in files if n.endswith(".pdf"))
    files[target] = files[target].replace(b"%%EOF", b"%%EOF\n% altered")
    found = archive.verify(rezip(files), pkg)
    assert [(r.code, r.values.get("path")) for r in found] == [("file_altered", target)]
    # rewriting the manifest to match is caught against the hash recorded at build time
    manifest = json.loads(files[core.MANIFEST])
    for f in manifest["files"]:
        if f["path"] == target:
            f["sha256"], f["size"] = core.sha256(files[target]), len(files[target])
    files[core.MANIFEST] = core.manifest_bytes(manifest)
    files[core.LISTING] = core.listing_text(manifest).encode()
    assert [r.code for r in archive.verify(rezip(files), pkg)] == ["manifest_replaced"]
    assert [r.code for r in archive.verify_upload(decided, rezip(files))] == ["manifest_unknown"]
    assert archive.verify(b"not a zip")[0].code == "not_a_package"


def test_pages_build_download_and_verify(
    decided: Any, committee_client: Client, users: dict[str, Any], media: Path
) -> None:
    base = f"/elections/{decided.pk}/aftermath/archive"
    assert committee_client.get(f"{base}/").status_code == 200
    assert committee_client.post(f"{base}/").status_code == 302  # built at once (immediate)
    pkg = selectors.latest_package(decided)
    assert pkg is not None
    assert pkg.state == ArchivePackage.State.DONE
    page = committee_client.get(f"{base}/").content.decode()
    assert pkg.sha256 in page
    download = committee_client.get(f"{base}/{pkg.pk}.zip")
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert core.sha256(data) == pkg.sha256
    check = committee_client.get(f"{base}/{pkg.pk}/check").content.decode()
    assert "档案包完整" in check
    files = archive.read_zip(data)
    files["99-后加的.txt"] = b"x"
    upload = io.BytesIO(rezip(files))
    upload.name = "package.zip"
    answer = committee_client.post(f"{base}/verify", {"package": upload}).content.decode()
    assert "不在清单中" in answer
    api = committee_client.get(f"/api/elections/{decided.pk}/aftermath/archive/{pkg.pk}/verify")
    assert [r["code"] for r in api.json()] == ["package_intact"]


def test_one_build_at_a_time(decided: Any, users: dict[str, Any], media: Path) -> None:
    services.archive_start(acting_user=users["qingshan"], election=decided)
    with pytest.raises(AftermathError, match="正在生成"):
        services.archive_start(acting_user=users["qingshan"], election=decided)


def test_the_ballots_whole_account_is_archived(
    formal: Any, users: dict[str, Any], media: Path
) -> None:
    """选票印制记录: the print run, every spoiled serial, the public destruction with its
    witnesses and the reconciliation 印制 = 发出 + 作废 + 剩余, from the ballots part."""
    from django.utils import timezone

    from huanjie.apps.ballots import services as ballots
    from huanjie.apps.polling import services as polling
    from huanjie.apps.roll.selectors import registered

    who = users["qingshan"]
    r = polling.round_create_regular(acting_user=who, election=formal)
    run = ballots.print_run_record(acting_user=who, round=r, quantity=70, note="含备用")
    ballots.spoiled_record(acting_user=who, print_run=run, serial=3, reason="印刷污损")
    polling.round_open(acting_user=who, round=r)
    box = r.boxes.order_by("pk").first()
    assert box is not None
    for v in registered(formal).order_by("pk")[:40]:
        polling.ballot_issue(acting_user=who, round=r, voter=v, box=box)
    polling.round_close(acting_user=who, round=r)
    ballots.destruction_record(
        acting_user=who,
        print_run=run,
        left_over={"": 29},
        witnesses=["张伟甲", "王伟甲"],
        destroyed_at=timezone.now(),
        place="村文化礼堂",
    )
    pkg = built(who, formal)
    path = archive.package_file(pkg)
    assert path is not None
    files = archive.read_zip(path.read_bytes())
    name = next(n for n in files if n.endswith("选票印制记录-第1轮.json"))
    record = json.loads(files[name])
    assert record["print_run"]["quantity"] == 70
    assert record["print_run"]["recorded_by"] == who.get_username()
    assert [(s["serial"], s["reason"]) for s in record["spoiled"]] == [(3, "印刷污损")]
    assert record["destruction"]["witnesses"] == ["张伟甲", "王伟甲"]
    assert record["destruction"]["place"] == "村文化礼堂"
    sheet = record["reconciliation"]["sheets"][0]
    assert (sheet["printed"], sheet["issued"], sheet["spoiled"], sheet["left_over"]) == (
        70,
        40,
        1,
        29,
    )
    assert record["reconciliation"]["balanced"] is True
    manifest = json.loads(files[core.MANIFEST])
    assert "选票印制记录" not in {m["title"] for m in manifest["missing"]}
