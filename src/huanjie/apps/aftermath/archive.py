"""The election's archive package (选举档案, 组织法 第三十四条): every document the system
produced for the election, gathered through each part's own document functions; the audit
log's entries for the village; ``manifest.json`` and ``清单.txt`` with the SHA-256 of every
file. A document a part does not (yet) provide is listed in the manifest as missing, never
made up. ``verify`` checks a package against its manifest (and the manifest against the
hash recorded when it was built)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from huanjie.apps.aftermath import selectors
from huanjie.apps.aftermath.models import ArchivePackage
from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.core import aftermath as core
from huanjie.core.count.model import Reason


class MissingDocumentError(Exception):
    """A document that cannot be included; the message says why (Chinese)."""


@dataclass(frozen=True)
class Source:
    """A kind of document: its title, the part that makes it, and how to get it."""

    title: str
    part: str
    produce: Callable[[Election], list[tuple[str, bytes]]]


def _one(name: str, fn: Callable[[], bytes]) -> list[tuple[str, bytes]]:
    try:
        return [(name, fn())]
    except ServiceError as err:
        raise MissingDocumentError(err.message) from err


def _need(module: str, attr: str) -> Any:
    """A function another part provides, or :class:`MissingDocumentError` naming it."""
    try:
        mod = __import__(module, fromlist=[attr])
    except ImportError as err:
        raise MissingDocumentError(f"尚未提供（{module}）") from err
    fn = getattr(mod, attr, None)
    if fn is None:
        raise MissingDocumentError(f"尚未提供（{module}.{attr}）")
    return fn


def _committee(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.committee import documents  # noqa: PLC0415
    from huanjie.apps.committee.selectors import serving  # noqa: PLC0415

    seated = [m.seated_at or m.created_at for m in serving(election)]
    on = timezone.localdate(min(seated)) if seated else election.election_day
    return _one("村民选举委员会成员公告.pdf", lambda: documents.notice_pdf(election, on))


def _evaluation(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.preparation import documents  # noqa: PLC0415
    from huanjie.apps.preparation import selectors as prep  # noqa: PLC0415

    days = [e.published_on for e in prep.evaluations(election) if e.published_on]
    on = max(days) if days else election.election_day
    return _one("民主测评结果公告.pdf", lambda: documents.evaluation_notice_pdf(election, on))


def _audit_notice(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.preparation import documents  # noqa: PLC0415
    from huanjie.apps.preparation import selectors as prep  # noqa: PLC0415

    audit = prep.financial_audit(election)
    on = audit.published_on if audit and audit.published_on else election.election_day
    return _one("财务审计结果公告.pdf", lambda: documents.audit_notice_pdf(election, on))


def _voter_list(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.roll import documents  # noqa: PLC0415

    try:
        data, published = documents.voter_list_pdf(election, missing="mark")
    except ServiceError as err:
        raise MissingDocumentError(err.message) from err
    if not published:
        raise MissingDocumentError("选民名单尚未公布")
    return [("选民名单.pdf", data)]


def _objections(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.roll import documents  # noqa: PLC0415

    return _one(
        "申诉处理决定公告.pdf", lambda: documents.objection_notice_pdf(election, missing="mark")
    )


def _proxies(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.proxies import documents  # noqa: PLC0415
    from huanjie.apps.proxies import selectors as proxies  # noqa: PLC0415

    notice = proxies.latest_notice(election)
    if notice is None:
        raise MissingDocumentError("尚未公告委托投票名单")
    return _one("委托投票公告.pdf", lambda: documents.notice_pdf(election, notice))


def _candidates(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.candidates import documents  # noqa: PLC0415
    from huanjie.apps.candidates import selectors as cands  # noqa: PLC0415

    out: list[tuple[str, bytes]] = []
    for n in sorted(cands.notices(election), key=lambda n: n.pk):
        try:
            data = documents.notice_pdf(election, n)
        except ServiceError as err:
            raise MissingDocumentError(err.message) from err
        out.append((f"{n.get_kind_display()}名单公告-{n.start.isoformat()}-{n.pk}.pdf", data))
    if not out:
        raise MissingDocumentError("尚未公布候选人名单")
    return out


def _rounds(election: Election) -> list[Any]:
    from huanjie.apps.polling.models import Round  # noqa: PLC0415

    return list(Round.objects.filter(election=election).order_by("number"))


def _plain(obj: Any) -> bytes:
    data = model_to_dict(obj) if hasattr(obj, "_meta") else obj
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode()


def _print_runs(election: Election) -> list[tuple[str, bytes]]:
    """Per round, the ballots' whole account from the ballots part: the print run, every
    spoiled serial, the public destruction with its witnesses, and the reconciliation
    印制 = 发出 + 作废 + 剩余 per sheet (``ballots.selectors.reconciliation``)."""
    reconciliation = _need("huanjie.apps.ballots.selectors", "reconciliation")
    spoiled = _need("huanjie.apps.ballots.selectors", "spoiled")
    out = []
    for r in _rounds(election):
        rec = reconciliation(r)
        run = rec.run
        if run is None:
            continue
        done = rec.destruction
        record = {
            "round": r.number,
            "kind": r.kind,
            "held_on": r.held_on,
            "print_run": {
                "quantity": run.quantity,
                "note": run.note,
                "recorded_at": run.recorded_at,
                "recorded_by": run.recorded_by.get_username() if run.recorded_by else None,
            },
            "spoiled": [
                {"serial": s.serial, "sheet": s.sheet, "reason": s.reason, "at": s.recorded_at}
                for s in spoiled(run)
            ],
            "destruction": None
            if done is None
            else {
                "left_over": done.left_over,
                "issued": done.issued,
                "spoiled": done.spoiled,
                "witnesses": done.witnesses,
                "destroyed_at": done.destroyed_at,
                "place": done.place,
            },
            "reconciliation": {
                "issued": rec.issued,
                "sheets": [
                    {
                        "sheet": s.sheet,
                        "label": s.label,
                        "printed": s.printed,
                        "issued": s.issued,
                        "spoiled": s.spoiled,
                        "left_over": s.left_over,
                        "expected_left": s.expected_left,
                        "difference": s.difference,
                    }
                    for s in rec.sheets
                ],
                "balanced": rec.balanced,
                "problems": rec.problems,
            },
        }
        out.append((f"选票印制记录-第{r.number}轮.json", _plain(record)))
    if not out:
        raise MissingDocumentError("没有选票印制记录")
    return out


def _decided_on(result: Any) -> date:
    return timezone.localdate(result.decided_at)


def _report(election: Election) -> list[tuple[str, bytes]]:
    """选举结果报告单 of every decided round (``results.documents.report_pdf``)."""
    report_pdf = _need("huanjie.apps.results.documents", "report_pdf")
    result_for = _need("huanjie.apps.results.selectors", "result_for")
    out: list[tuple[str, bytes]] = []
    for r in _rounds(election):
        result = result_for(r)
        if result is not None:
            try:
                out.append(
                    (f"选举结果报告单-第{r.number}轮.pdf", report_pdf(result, _decided_on(result)))
                )
            except ServiceError as err:
                raise MissingDocumentError(err.message) from err
    if not out:
        raise MissingDocumentError("尚未确定选举结果")
    return out


def _election_document(attr: str, name: str) -> Callable[[Election], list[tuple[str, bytes]]]:
    """A document of the whole election from the results part (``results.documents.<attr>``),
    dated the day the last result was decided."""

    def produce(election: Election) -> list[tuple[str, bytes]]:
        fn = _need("huanjie.apps.results.documents", attr)
        results = list(_need("huanjie.apps.results.selectors", "results")(election))
        if not results:
            raise MissingDocumentError("尚未确定选举结果")
        return _one(name, lambda: fn(election, _decided_on(results[-1])))

    return produce


def _results_json(election: Election) -> list[tuple[str, bytes]]:
    result_for = _need("huanjie.apps.results.selectors", "result_for")
    out = []
    for r in _rounds(election):
        res = result_for(r)
        if res is not None:
            data = {"round": r.number, "kind": r.kind, "input": res.input, "outcome": res.outcome}
            out.append((f"计票输入与结果-第{r.number}轮.json", _plain(data)))
    if not out:
        raise MissingDocumentError("尚未确定选举结果")
    return out


def _handover(election: Election) -> list[tuple[str, bytes]]:
    from huanjie.apps.aftermath import documents  # noqa: PLC0415

    return _one("工作移交清单.pdf", lambda: documents.handover_pdf(election))


def _aftermath_records(election: Election) -> list[tuple[str, bytes]]:
    data = {
        "committee": [
            {"name": m.name, "post": m.post_name, "votes": m.votes, "source": m.source}
            for m in selectors.current_committee(election)
        ],
        "representatives": [
            {
                "name": r.voter.name,
                "group": r.group.name if r.group else "",
                "chosen_on": r.chosen_on,
            }
            for r in selectors.representatives(election)
        ],
        "group_leaders": [
            {
                "group": g.group.name,
                "name": g.voter.name,
                "eligible": g.eligible,
                "present": g.present,
                "votes": g.votes,
                "chosen_on": g.chosen_on,
            }
            for g in selectors.group_leaders(election)
        ],
        "supervisors": [
            {"name": s.voter.name, "role": s.get_role_display(), "chosen_on": s.chosen_on}
            for s in selectors.supervisors(election)
        ],
        "recalls": [
            {
                "member": p.member_name,
                "filed_on": p.filed_on,
                "signatures": p.signatures,
                "status": p.get_status_display(),
                "petition": p.petition,
                "outcome": p.outcome,
            }
            for p in selectors.recalls(election)
        ],
        "by_elections": [
            {
                "post": b.post_name,
                "held_on": b.held_on,
                "candidates": [c["name"] for c in b.candidates],
                "outcome": b.outcome,
            }
            for b in selectors.by_elections(election)
        ],
    }
    return [("选后工作记录.json", _plain(data))]


#: Every kind of document, in the order of the election. The result documents are the
#: results part's (``results.documents``): while it does not provide them they are listed
#: as missing.
SOURCES: tuple[Source, ...] = (
    Source("村民选举委员会成员公告", "committee", _committee),
    Source("民主测评结果公告", "preparation", _evaluation),
    Source("财务审计结果公告", "preparation", _audit_notice),
    Source("选民名单", "roll", _voter_list),
    Source("申诉处理决定公告", "roll", _objections),
    Source("委托投票公告", "proxies", _proxies),
    Source("候选人名单公告", "candidates", _candidates),
    Source("选票印制记录", "ballots", _print_runs),
    Source("计票输入与结果", "results", _results_json),
    Source("选举结果报告单", "results", _report),
    Source("当选证书", "results", _election_document("certificates_pdf", "当选证书.pdf")),
    Source("选举结果公告", "results", _election_document("notice_pdf", "选举结果公告.pdf")),
    Source("工作移交清单", "aftermath", _handover),
    Source("选后工作记录", "aftermath", _aftermath_records),
)


def audit_extract(election: Election) -> bytes:
    """The audit log's entries for the village (its area and below) since the election was
    set up, one JSON object per line with seq, hashes and content: each line holds every
    field the chain hashes, so its hash can be recomputed from the line alone
    (``audit.services.entry_hash(prev_hash, line without hash and prev_hash)``), and checked
    against the whole chain (``huanjie manage verify_audit``)."""
    path = election.area.path
    rows = AuditEntry.objects.filter(
        area_path__startswith=path, at__gte=election.created_at
    ).order_by("seq")
    lines = [
        json.dumps(
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor_id": e.actor_id,
                "actor_name": e.actor_name,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "area_path": e.area_path,
                "before": e.before,
                "after": e.after,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            },
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        for e in rows.iterator()
        if e.area_path == path or e.area_path.startswith(path.rstrip("/") + "/")
    ]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def gather(election: Election) -> tuple[list[core.ArchiveFile], list[dict[str, str]]]:
    """Every document, numbered in order, and what is missing with the reason."""
    files: list[core.ArchiveFile] = []
    missing: list[dict[str, str]] = []
    for source in SOURCES:
        try:
            produced = source.produce(election)
        except MissingDocumentError as why:
            missing.append({"title": source.title, "source": source.part, "reason": str(why)})
            continue
        for name, data in produced:
            files.append(
                core.ArchiveFile(f"{len(files) + 1:02d}-{name}", source.title, source.part, data)
            )
    files.append(
        core.ArchiveFile("审计日志.jsonl", "审计日志摘录", "audit", audit_extract(election))
    )
    return files, missing


def package_bytes(election: Election) -> tuple[bytes, dict[str, Any]]:
    """The ZIP and its manifest."""
    files, missing = gather(election)
    manifest = core.build_manifest(
        files,
        election=election.title,
        created_at=timezone.localtime().isoformat(timespec="seconds"),
        missing=missing,
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.writestr(f.path, f.data)
        z.writestr(core.MANIFEST, core.manifest_bytes(manifest))
        z.writestr(core.LISTING, core.listing_text(manifest).encode())
    return buf.getvalue(), manifest


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def package_file(pkg: ArchivePackage) -> Path | None:
    if pkg.state != ArchivePackage.State.DONE or not pkg.path:
        return None
    path = _root() / pkg.path
    return path if path.is_file() else None


def build(*, package_id: int) -> ArchivePackage:
    """Build one queued package (the background job); a failure is recorded on it."""
    pkg = ArchivePackage.objects.select_related("election__area", "election__campaign").get(
        pk=package_id
    )
    if pkg.state != ArchivePackage.State.QUEUED:
        return pkg
    ArchivePackage.objects.filter(pk=pkg.pk).update(state=ArchivePackage.State.RUNNING)
    election = pkg.election
    relative = Path("aftermath") / f"election-{election.pk}" / f"archive-{pkg.pk}.zip"
    try:
        data, manifest = package_bytes(election)
        target = _root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except Exception as exc:  # recorded on the job for the page to show
        ArchivePackage.objects.filter(pk=pkg.pk).update(
            state=ArchivePackage.State.FAILED,
            message=f"生成失败：{exc}",
            finished_at=timezone.now(),
        )
        return ArchivePackage.objects.get(pk=pkg.pk)
    with transaction.atomic():
        p = ArchivePackage.objects.select_for_update().get(pk=pkg.pk)
        p.state = ArchivePackage.State.DONE
        p.path = str(relative)
        p.size = len(data)
        p.sha256 = core.sha256(data)
        p.manifest_sha256 = core.sha256(core.manifest_bytes(manifest))
        p.files = len(manifest["files"])
        p.missing = manifest["missing"]
        p.finished_at = timezone.now()
        p.save()
        audit_record(
            acting_user=None,
            action="aftermath.archive_built",
            obj=p,
            area=election.area,
            after={
                "sha256": p.sha256,
                "manifest_sha256": p.manifest_sha256,
                "files": p.files,
                "missing": [m["title"] for m in p.missing],
            },
        )
    return p


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist() if not info.is_dir()}


def verify(data: bytes, pkg: ArchivePackage | None = None) -> list[Reason]:
    """Check a package against its manifest; with ``pkg``, also its manifest against the hash
    recorded when it was built (a manifest rewritten together with a file is found)."""
    try:
        files = read_zip(data)
    except zipfile.BadZipFile:
        return [Reason("not_a_package", core.ARCHIVE_ARTICLE, "不是有效的 ZIP 档案包", "error")]
    found = core.verify_package(files)
    if pkg is not None and pkg.manifest_sha256:
        manifest = files.get(core.MANIFEST, b"")
        if core.sha256(manifest) != pkg.manifest_sha256:
            found = [r for r in found if r.code != "package_intact"]
            found.insert(
                0,
                Reason(
                    "manifest_replaced",
                    core.ARCHIVE_ARTICLE,
                    f"{core.MANIFEST} 与生成时记录的校验值不符：清单已被替换",
                    "error",
                ),
            )
    return found


def verify_upload(election: Election, data: bytes) -> list[Reason]:
    """Check a package someone holds: against its own manifest, and that manifest against the
    packages built here for the election (by the manifest's recorded SHA-256)."""
    try:
        manifest = read_zip(data).get(core.MANIFEST, b"")
    except zipfile.BadZipFile:
        manifest = b""
    known = (
        ArchivePackage.objects.filter(election=election, manifest_sha256=core.sha256(manifest))
        .order_by("-pk")
        .first()
        if manifest
        else None
    )
    found = verify(data, known)
    if manifest and known is None:
        found = [r for r in found if r.code != "package_intact"]
        found.insert(
            0,
            Reason(
                "manifest_unknown",
                core.ARCHIVE_ARTICLE,
                f"{core.MANIFEST} 与本系统为该选举生成的任何档案包都不符",
                "error",
            ),
        )
    return found
