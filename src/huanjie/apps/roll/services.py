"""Writes of voter registration: imports, single additions and removals, duplicate cases, the
published list, objections and voter cards. One transaction and one audit entry each (an
import: one for its start, one for its outcome); a refused or failed operation leaves the
roll exactly as it was."""

from __future__ import annotations

import csv
import gc
import json
import operator
import os
import queue
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Max, Q
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_schedule
from huanjie.apps.errors import ServiceError
from huanjie.apps.places.models import Area
from huanjie.apps.places.services import AreaError, area_create
from huanjie.apps.roll import importer
from huanjie.apps.roll.models import (
    DuplicateCase,
    ImportBatch,
    ListPublication,
    Objection,
    PrintJob,
    RemovalReason,
    Status,
    Voter,
)
from huanjie.core import stages
from huanjie.core.roll import cards as core_cards
from huanjie.core.roll import columns as cols
from huanjie.core.roll import objections as core_objections
from huanjie.core.roll.dedup import find_duplicates, name_key, pairs
from huanjie.core.roll.eligibility import NO_DOUBLE_REGISTRATION
from huanjie.core.roll.idcard import check as check_id

User = AbstractBaseUser | None

#: Store imported rows in a second thread while the file is still being read (see
#: :class:`_Writer`); False stores them in the reading thread, one chunk at a time.
THREADED_WRITER = True
#: Errors kept in the batch row (all of them go to errors.csv beside the uploaded files).
ERRORS_KEPT = 200
#: Duplicate cases per INSERT statement.
INSERT_BATCH = 5000


class RollError(ServiceError):
    """A refused registration operation; the message (Chinese) names the field or the file,
    sheet, row and column."""


def _user_id(user: User) -> int | None:
    return user.pk if user is not None else None


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def registration_state(election: Election) -> str:
    record = election.stages.filter(stage=stages.Stage.REGISTRATION.value).first()
    return record.state if record is not None else stages.State.PENDING.value


def _require_writable(election: Election, *, objection: bool = False) -> None:
    """The roll changes only while 选民登记 is open: before, election day may still move (and
    with it everyone's age on that day); after, nominations and proxies rest on the roll.

    The objection procedure (``objection=True``, 组织法 第十四条第二款) is the exception: it
    runs on after registration is complete, beside nomination, until voting opens."""
    state = registration_state(election)
    if objection and state == stages.State.CLOSED:
        voting = election.stages.filter(stage=stages.Stage.ELECTION.value).first()
        if voting is None or voting.state == stages.State.PENDING.value:
            return
        raise RollError(
            f"{election.area.name}的投票选举已经开始，不能再受理或处理申诉", "", "voting_started"
        )
    if state == stages.State.CLOSED:
        raise RollError(
            f"{election.area.name}的选民登记阶段已完成，不能再修改选民名单；如需修改，请先重新开启该阶段",
            "",
            "stage_closed",
        )
    if state != stages.State.OPEN:
        raise RollError(
            f"{election.area.name}的选民登记阶段尚未开始：请先在“计划与阶段”中开始该阶段",
            "",
            "stage_not_open",
        )


def _lock(election: Election) -> Election:
    """Serialise writes to one election's roll (imports, additions, decisions)."""
    return Election.objects.select_for_update().get(pk=election.pk)


# --------------------------------------------------------------------------- imports


def import_start(
    *,
    acting_user: User,
    election: Election,
    files: Sequence[tuple[str, IO[bytes] | bytes]],
) -> ImportBatch:
    """Store the uploaded register files and queue their import (one batch, all or nothing).

    ``files`` are (file name as uploaded, content). The import itself runs in the
    background (:func:`import_run`); the batch row reports its progress.
    """
    if not files:
        raise RollError("请选择要导入的文件（xlsx、xls、ods 或 csv）", "files")
    suffixes = importer.SPREADSHEET_SUFFIXES + importer.CSV_SUFFIXES
    for name, _ in files:
        if Path(name).suffix.lower() not in suffixes:
            raise RollError(
                f"文件“{name}”的类型不受支持：请上传 xlsx、xls、ods 或 csv 文件", "files"
            )
    _require_writable(election)
    running = ImportBatch.objects.filter(
        election=election,
        state__in=[ImportBatch.State.QUEUED, ImportBatch.State.READING, ImportBatch.State.WRITING],
    ).first()
    if running is not None:
        raise RollError(f"已有一批导入（#{running.pk}）正在进行，请等待其完成", "files")
    directory = Path("roll") / f"election-{election.pk}" / uuid.uuid4().hex
    target = _media_root() / directory
    target.mkdir(parents=True, exist_ok=True)
    stored: list[dict[str, Any]] = []
    try:
        for n, (name, content) in enumerate(files, start=1):
            path = target / f"{n}{Path(name).suffix.lower()}"
            with path.open("wb") as out:
                if isinstance(content, bytes):
                    out.write(content)
                else:
                    shutil.copyfileobj(content, out)
            stored.append(
                {"name": Path(name).name, "stored": path.name, "size": path.stat().st_size}
            )
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                election=election,
                created_by_id=_user_id(acting_user),
                directory=str(directory),
                files=stored,
            )
            audit_record(
                acting_user=acting_user,
                action="roll.import_start",
                obj=batch,
                area=election.area,
                after={"files": [f["name"] for f in stored], "sizes": [f["size"] for f in stored]},
            )
    except Exception:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return batch


class _Phases:
    """Seconds per phase of an import, wall clock and this process's CPU (``…_cpu``; the
    database server's work is not in it), kept with the batch for the benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()
        self._cpu = time.process_time()

    def mark(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - self._last, 3)
        key = f"{phase}_cpu"
        self.seconds[key] = round(self.seconds.get(key, 0.0) + cpu - self._cpu, 3)
        self._last, self._cpu = now, cpu


@dataclass
class _Progress:
    """Rows read so far, written to ``progress.json`` beside the uploaded files: the import
    runs inside one transaction, so the batch row cannot show progress until it commits
    (and on SQLite no other connection may write meanwhile). The status page reads the file."""

    path: Path
    done: int = 0
    total: int = 0
    reported: int = 0

    def rows(self, n: int) -> None:
        self.done += n
        if self.done - self.reported >= 5000:
            self.flush()

    def sheet(self, info: importer.SheetInfo, height: int) -> None:
        self.total += height
        self.flush()

    def flush(self, state: str = ImportBatch.State.READING) -> None:
        self.reported = self.done
        data = {"rows_done": self.done, "total_rows": max(self.total, self.done), "state": state}
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # progress is a courtesy; the import goes on


def errors_csv_path(batch: ImportBatch) -> Path | None:
    """Every error of a failed batch, as a CSV file (UTF-8 with BOM, opens in Excel)."""
    path = _media_root() / batch.directory / "errors.csv"
    return path if path.is_file() else None


def read_progress(batch: ImportBatch) -> dict[str, Any]:
    """The progress of a running batch as the job last wrote it."""
    if batch.finished:
        return {"rows_done": batch.rows_done, "total_rows": batch.total_rows, "state": batch.state}
    try:
        data = json.loads((_media_root() / batch.directory / "progress.json").read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    return {
        "rows_done": int(data.get("rows_done", batch.rows_done)),
        "total_rows": int(data.get("total_rows", batch.total_rows)),
        "state": str(data.get("state", batch.state)),
    }


class _RefusedError(Exception):
    def __init__(self, issues: list[importer.Issue]) -> None:
        super().__init__(f"{len(issues)} errors")
        self.issues = issues


def import_run(*, batch_id: int, today: date | None = None) -> ImportBatch:
    """Read, check and store one queued batch (the background job). Returns the batch, done
    or failed; a failed batch has changed nothing on any roll.

    Everything happens in one transaction. While the files are read and checked, the rows
    checked so far are stored by a second thread on the same connection (:class:`_Writer`),
    so that the database works while Python reads; at the first error the storing stops,
    and the transaction is rolled back at the end. Duplicates are searched once all rows
    are read, then the cases and the batch's audit entry are written and the transaction
    commits.
    """
    batch = ImportBatch.objects.select_related("election", "election__area", "created_by").get(
        pk=batch_id
    )
    if batch.state != ImportBatch.State.QUEUED:
        return batch
    today = today or timezone.localdate()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.READING, started_at=timezone.now()
    )
    phases = _Phases()
    base = _media_root() / batch.directory
    progress = _Progress(base / "progress.json")
    sheets: list[dict[str, Any]] = []
    # Hundreds of thousands of rows, decisions and tuples, none in a reference cycle: the
    # cyclic collector would walk them again and again for nothing (see idcard.check_many).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            election = _lock(batch.election)
            _require_writable(election)
            existing = {
                number: f"{name}，来源：{source or '手工添加'}"
                for number, name, source in Voter.objects.filter(election=election).values_list(
                    "id_number", "name", "source"
                )
            }
            others = _campaign_voters(election)
            groups = {
                a.name: a.pk
                for a in Area.objects.filter(parent=election.area, level=Area.Level.GROUP)
            }
            writer = _Writer(election, batch, groups)
            matches: _Matches | None = None
            cache = _LargeCache(writer.connection)
            cache.__enter__()
            writer.start()
            try:
                result = importer.parse_files(
                    [(base / f["stored"], f["name"]) for f in batch.files],
                    election_day=election.election_day,
                    today=today,
                    progress=progress.rows,
                    on_sheet=progress.sheet,
                    existing=existing,
                    on_rows=writer.put,
                )
                sheets = [s.as_dict() for s in result.sheets]
                phases.mark("read_check")
                if result.ok:
                    progress.flush(ImportBatch.State.WRITING)
                    # Searched while the writer stores the last rows.
                    matches = _match(
                        election,
                        [
                            (n, r.id_number, r.name_key, r.birth_date)
                            for n, r in enumerate(result.rows)
                            if r.decision.eligible
                        ],
                        others,
                    )
                    phases.mark("duplicates")
            finally:
                try:
                    writer.close()
                finally:
                    cache.__exit__()
            phases.mark("insert")
            phases.seconds["store_cpu"] = round(writer.cpu, 3)
            if not result.ok or matches is None:
                raise _RefusedError(result.issues)
            counts = _finish(batch, election, result, matches, writer, sheets)
    except _RefusedError as refused:
        return _fail(batch, refused.issues, sheets, progress.done)
    except Exception as err:  # anything unexpected: nothing was stored; say what happened
        message = err.message if isinstance(err, ServiceError) else f"导入失败：{err}"
        issue = importer.Issue("", "", None, "", "", message)
        return _fail(batch, [issue], sheets, progress.done)
    finally:
        if was_enabled:
            gc.enable()
    phases.mark("write")
    batch.refresh_from_db()
    batch.message = (
        f"已导入 {counts['imported']} 人：登记选民 {counts['registered']} 人，"
        f"不具备选民资格 {counts['ineligible']} 人，待核实 {counts['pending']} 人，"
        f"疑似重复 {counts['cases']} 组"
    )
    batch.timings = phases.seconds
    batch.save(update_fields=["message", "timings"])
    return batch


class _Writer:
    """Stores checked rows in a second thread while the main thread reads on.

    Both threads use the same database connection, hence the same transaction: the main
    thread does not touch the database between :meth:`start` and :meth:`close` (reading
    and checking are pure Python), so the connection is never used by two threads at once.
    SQLite and psycopg release the interpreter lock while the database works, so storing
    runs alongside reading. Villager groups are created here as their names first appear.
    An error stops the storing; :meth:`close` raises it in the main thread.
    """

    def __init__(self, election: Election, batch: ImportBatch, groups: dict[str, int]) -> None:
        self.election = election
        self.batch = batch
        self.groups = groups
        self.created_groups: list[str] = []
        self.connection = transaction.get_connection()
        self.queue: queue.Queue[list[importer.Row] | None] = queue.Queue(maxsize=4)
        self.thread = threading.Thread(target=self._run, name="roll-import-writer", daemon=True)
        self.error: BaseException | None = None
        self.stored = 0
        self.registered = 0
        self.ineligible = 0
        self.now = timezone.now()
        self.texts: dict[int, str] = {}
        self.sheets: list[importer.SheetInfo] = []
        # The columns every imported voter shares.
        self.constants: dict[str, Any] = {
            "election_id": election.pk,
            "status_reason": "",
            "removal_reason": "",
            "removed_at": None,
            "serial": "",
            "batch_id": batch.pk,
            "created_at": self.now,
            "updated_by_id": batch.created_by_id,
        }
        self.threaded = THREADED_WRITER
        self.cpu = 0.0  # seconds of CPU spent storing (thread CPU in threaded mode)

    def start(self) -> None:
        if self.threaded:
            self.connection.inc_thread_sharing()
            self.thread.start()

    def put(self, rows: list[importer.Row], sheets: list[importer.SheetInfo]) -> None:
        self.sheets = sheets
        if not self.threaded:
            self._store(rows)
        elif self.error is None:
            self.queue.put(rows)

    def close(self) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
            self.connection.dec_thread_sharing()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        alias = self.connection.alias
        connections[alias] = self.connection  # this thread's ORM uses the shared connection
        try:
            while (rows := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._store(rows)
                    except BaseException as err:  # reported by close()
                        self.error = err
        finally:
            del connections[alias]

    def _store(self, rows: list[importer.Row]) -> None:
        start = time.process_time()
        try:
            self._store_rows(rows)
        finally:
            self.cpu += time.process_time() - start

    def _store_rows(self, rows: list[importer.Row]) -> None:
        for name in {r.group for r in rows} - set(self.groups) - {""}:
            try:
                area = area_create(
                    acting_user=self.batch.created_by, name=name, parent=self.election.area
                )
            except AreaError as err:
                raise RollError(f"村民小组“{name}”：{err}", "group") from err
            self.groups[name] = area.pk
            self.created_groups.append(name)
        records = _records(rows, self.sheets, self.groups, self.texts)
        self.registered += sum(1 for r in rows if r.decision.eligible)
        self.ineligible += sum(1 for r in rows if not r.decision.eligible)
        try:
            insert_voters(records, self.constants)
        except IntegrityError as err:
            raise RollError(
                f"写入选民名单时发生冲突（可能有人同时添加了相同的人员）：{err}"
            ) from err
        self.stored += len(records)


def _records(
    rows: list[importer.Row],
    sheets: list[importer.SheetInfo],
    groups: dict[str, int],
    texts: dict[int, str],
) -> list[tuple[Any, ...]]:
    """Rows as value tuples in :data:`ROW_COLUMNS` order, dates ready for the backend."""
    db_date = _date_adapter()
    registered, ineligible = Status.REGISTERED.value, Status.INELIGIBLE.value
    prefixes = [(info.label(0).rsplit("/", 1)[0] + "/第", info.row_base) for info in sheets]
    records: list[tuple[Any, ...]] = []
    append = records.append
    get_group = groups.get
    get_text = texts.get
    for r in rows:
        decision = r.decision
        text = get_text(id(decision))
        if text is None:
            text = decision.text[:300]
            if decision.eligible:  # shared Decision objects: their text once
                texts[id(decision)] = text
        since = r.residence_since
        prefix, base = prefixes[r.sheet]
        append(
            (
                get_group(r.group),
                r.name,
                r.name_key,
                r.sex,
                db_date(r.birth_date),
                r.id_number,
                r.ethnicity,
                r.address,
                r.household_no,
                r.category,
                r.away,
                r.away_contact,
                r.opted_in,
                None if since is None else db_date(since),
                r.consent_ref,
                r.deprived,
                r.suspended,
                registered if decision.eligible else ineligible,
                text,
                f"{prefix}{base + r.line}行",
            )
        )
    return records


def _finish(
    batch: ImportBatch,
    election: Election,
    result: importer.ParseResult,
    matches: _Matches,
    writer: _Writer,
    sheets: list[dict[str, Any]],
) -> dict[str, int]:
    """After the rows are stored: hold the people matched by ID number in another village,
    record the cases, close the batch and write its one audit entry."""
    rows = result.rows
    by_reason: dict[str, list[str]] = {}
    for n, reason in matches.pending_new.items():
        by_reason.setdefault(reason, []).append(rows[n].id_number)
    for reason, numbers in by_reason.items():
        for chunk in _chunks(numbers, 2000):
            Voter.objects.filter(election=election, id_number__in=chunk).update(
                status=Status.PENDING, status_reason=reason
            )
    pk_of = _new_pks(election, [r.id_number for r in rows], matches.new_positions)
    cases = _store_cases(election, matches, pk_of, batch_id=batch.pk)
    pending = len(matches.pending_new)
    counts = {
        "imported": writer.stored,
        "registered": writer.registered - pending,
        "ineligible": writer.ineligible,
        "pending": pending,
        "cases": len(cases),
    }
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.DONE,
        finished_at=timezone.now(),
        rows_done=writer.stored,
        total_rows=writer.stored,
        imported=writer.stored,
        registered=counts["registered"],
        ineligible=writer.ineligible,
        cases=len(cases),
        sheets=sheets,
    )
    audit_record(
        acting_user=batch.created_by,
        action="roll.import",
        obj=batch,
        area=election.area,
        after={
            **counts,
            "files": [f["name"] for f in batch.files],
            "sheets": [f"{s['file']}/{s['sheet']}: {s['rows']}" for s in sheets],
            "groups_created": writer.created_groups,
            "other_voters_pending": sorted(matches.pending_other)[:1000],
            "scopes": dict(Counter(c.scope for c in cases)),
        },
    )
    return counts


def _fail(
    batch: ImportBatch, issues: list[importer.Issue], sheets: list[dict[str, Any]], rows: int
) -> ImportBatch:
    """Record a failed batch: its errors (first ones in the row, all in errors.csv), audited."""
    directory = _media_root() / batch.directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / "errors.csv").open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["文件", "工作表", "行", "列", "列名", "错误"])
            for i in issues:
                writer.writerow([i.file, i.sheet, i.row or "", i.column, i.header, i.message])
    except OSError:
        pass
    message = (
        f"发现 {len(issues)} 处错误，本批文件未导入任何人员，选民名单未作改动。请改正后重新导入。"
    )
    if len(issues) == 1 and not issues[0].file:
        message = f"{issues[0].message}。本批文件未导入任何人员，选民名单未作改动。"
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.FAILED,
            finished_at=timezone.now(),
            error_count=len(issues),
            errors=[i.as_dict() for i in issues[:ERRORS_KEPT]],
            sheets=sheets,
            rows_done=rows,
            message=message,
        )
        audit_record(
            acting_user=batch.created_by,
            action="roll.import_failed",
            obj=batch,
            area=batch.election.area,
            after={"errors": len(issues), "first": str(issues[0]) if issues else ""},
        )
    batch.refresh_from_db()
    return batch


def _group_ids(
    election: Election, names: set[str], acting_user: User
) -> tuple[dict[str, int], list[str]]:
    """Villager groups by name: the village's existing groups, others created (audited)."""
    village = election.area
    existing = {a.name: a.pk for a in Area.objects.filter(parent=village, level=Area.Level.GROUP)}
    created: list[str] = []
    for name in sorted(n for n in names if n and n not in existing):
        try:
            area = area_create(acting_user=acting_user, name=name, parent=village)
        except AreaError as err:
            raise RollError(f"村民小组“{name}”：{err}", "group") from err
        existing[name] = area.pk
        created.append(name)
    return existing, created


_PENDING_REASON = "与{where}登记的选民公民身份号码相同，待核实（{article}：不得重复登记）"


def _village_names(election: Election, election_ids: set[int]) -> dict[int, str]:
    if not election_ids:
        return {}
    return dict(Election.objects.filter(pk__in=election_ids).values_list("pk", "area__name"))


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


#: The per-row columns :func:`insert_voters` writes, in the order of its value tuples; the
#: other columns of :class:`Voter` are the same for every row of one call (``constants``).
ROW_COLUMNS = (
    "group_id",
    "name",
    "name_key",
    "sex",
    "birth_date",
    "id_number",
    "ethnicity",
    "address",
    "household_no",
    "category",
    "away",
    "away_contact",
    "opted_in",
    "residence_since",
    "consent_ref",
    "deprived",
    "suspended",
    "status",
    "decision",
    "source",
)


def insert_voters(records: list[tuple[Any, ...]], constants: dict[str, Any]) -> None:
    """Insert many voters at once, inside the caller's transaction: ``records`` are tuples in
    :data:`ROW_COLUMNS` order (dates already as :func:`_date_adapter` gives them),
    ``constants`` the remaining columns, the same for every row.

    The ORM's ``bulk_create`` builds a model instance and prepares every value of every row
    in Python, and SQLite's parameter limit cuts it into statements of a few dozen rows;
    for a 200,000-row register that was most of the import. Here PostgreSQL receives the
    rows with ``COPY`` (:func:`_copy_text`) and SQLite with one prepared statement per
    20,000 rows in which the constant columns are written once. No signals are sent (none
    are connected to voters).
    """
    if not records:
        return
    by_name = {f.attname: f for f in Voter._meta.concrete_fields}
    missing = (
        {f.attname for f in Voter._meta.concrete_fields if not f.primary_key}
        - set(ROW_COLUMNS)
        - set(constants)
    )
    if missing:  # a field was added to Voter and not here
        raise RuntimeError(f"insert_voters: columns not written: {sorted(missing)}")
    fields = [by_name[name] for name in ROW_COLUMNS]
    fixed = [(by_name[name], value) for name, value in constants.items()]
    quote = connection.ops.quote_name
    table = quote(Voter._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            order, chunks = _copy_text(records, fields, fixed)
            with raw.copy(
                f"COPY {table} ({', '.join(quote(c) for c in order)}) FROM STDIN"
            ) as copy:
                for chunk in chunks:
                    copy.write(chunk)
            return
        # The constants are bound as parameters of their own, repeated in every row's
        # tuple would cost; SQLite takes them once per statement as literals instead.
        names = [quote(f.column) for f in fields] + [quote(f.column) for f, _ in fixed]
        literals = [_sqlite_literal(f.get_db_prep_save(v, connection)) for f, v in fixed]
        sql = (
            f"INSERT INTO {table} ({', '.join(names)}) "
            f"VALUES ({', '.join(['?'] * len(fields) + literals)})"
        )
        # The sqlite3 connection itself: Django's cursor wrapper would rewrite the query and
        # pass the rows through an extra iterator, for nothing here.
        raw_connection = connection.connection
        for part in _chunks(records, 20000):
            raw_connection.executemany(sql, part)


def _date_adapter() -> Callable[[date], Any]:
    """Dates as the backend stores them: unchanged for PostgreSQL (psycopg adapts them),
    ISO text for SQLite (what Django's ``adapt_datefield_value`` gives, ``str(date)``)."""
    if connection.vendor == "postgresql":
        return lambda d: d
    probe = date(2000, 1, 2)
    if connection.ops.adapt_datefield_value(probe) != probe.isoformat():
        field = Voter._meta.get_field("birth_date")
        return lambda d: field.get_db_prep_save(d, connection)
    return date.isoformat


def _sqlite_literal(value: Any) -> str:
    """A value written into SQL text: integers, NULL and quoted text only."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class _LargeCache:
    """On SQLite, a large page cache while an import writes: the table and its indexes are
    written far faster when their pages need not be spilled to the log meanwhile. The
    previous size is restored afterwards (the setting belongs to the connection)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.previous: int | None = None

    def __enter__(self) -> None:
        if self.conn.vendor == "sqlite":
            with self.conn.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.previous = int(cursor.fetchone()[0])
                cursor.execute("PRAGMA cache_size = -262144")

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            with self.conn.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {self.previous}")


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_value(v: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if v is None:
        return _NULL
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, date):  # also datetime
        return v.isoformat()
    return str(v).translate(_COPY_ESCAPE)


def _copy_text(
    records: list[tuple[Any, ...]], fields: list[Any], fixed: list[tuple[Any, Any]]
) -> tuple[list[str], Iterator[str]]:
    """The rows in PostgreSQL's COPY text format: (column order, chunks of 5,000 lines).

    psycopg's ``write_row`` looks up and calls a dumper for every value, and a Python
    function per value is no better: for 200,000 rows × 28 columns either was a third of
    the import. Instead the columns are reordered so that all text columns come first;
    each row's text values are joined with tabs in one call, and only when the joined
    text holds a tab, backslash, newline or carriage return are the values escaped one by
    one. The other columns are formatted once per distinct value (a roll has few distinct
    dates, groups and flags), and the ``fixed`` columns once for all rows.
    """
    text_idx = [
        i for i, f in enumerate(fields) if f.get_internal_type() in ("CharField", "TextField")
    ]
    varying = [i for i in range(len(fields)) if i not in text_idx]
    order = [fields[i].column for i in (*text_idx, *varying)] + [f.column for f, _ in fixed]
    tail = "".join("\t" + _copy_value(v) for _, v in fixed)
    caches = [{v: _copy_value(v) for v in {r[i] for r in records}} for i in varying]
    pick_text = operator.itemgetter(*text_idx)
    pick_other = operator.itemgetter(*varying)
    separators = len(text_idx) - 1

    def chunks() -> Iterator[str]:
        lines: list[str] = []
        join = "\t".join
        for record in records:
            texts = pick_text(record)
            line = join(texts)
            if line.count("\t") != separators or "\\" in line or "\n" in line or "\r" in line:
                line = join([_copy_value(v) for v in texts])
            others = [c[v] for c, v in zip(caches, pick_other(record), strict=True)]
            lines.append(f"{line}\t{join(others)}{tail}")
            if len(lines) >= 5000:
                yield "\n".join(lines) + "\n"
                lines = []
        if lines:
            yield "\n".join(lines) + "\n"

    return order, chunks()


def _new_pks(election: Election, numbers: list[str], wanted: set[int]) -> dict[int, int]:
    """Primary keys of the just-inserted people ``wanted`` (positions in ``numbers``)."""
    if not wanted:
        return {}
    by_number = {numbers[n]: n for n in wanted}
    out: dict[int, int] = {}
    for chunk in _chunks(list(by_number), 2000):
        for pk, number in Voter.objects.filter(
            election_id=election.pk, id_number__in=chunk
        ).values_list("pk", "id_number"):
            out[by_number[number]] = pk
    return out


@dataclass
class _Matches:
    """Duplicates found for people about to be stored. A reference is an ``int`` (the
    position of a new person) or ``("v", pk)`` (a voter already stored)."""

    found: list[tuple[str, Any, Any]]  # (kind, ref, ref)
    election_of: dict[int, int]  # existing voter → its election
    pending_new: dict[int, str]  # position → why pending
    pending_other: set[int]  # existing voters (other villages) to set pending

    @property
    def new_positions(self) -> set[int]:
        return {ref for _, a, b in self.found for ref in (a, b) if isinstance(ref, int)}


def _campaign_voters(election: Election) -> list[tuple[int, int, str, str, date]]:
    """(pk, election, ID number, name key, birth date) of every registered or pending voter
    of the campaign, in every village: what new people are compared with."""
    return list(
        Voter.objects.filter(
            election__campaign_id=election.campaign_id,
            status__in=[Status.REGISTERED, Status.PENDING],
        ).values_list("pk", "election_id", "id_number", "name_key", "birth_date")
    )


def _match(
    election: Election,
    new: list[tuple[int, str, str, date]],
    others: list[tuple[int, int, str, str, date]] | None = None,
) -> _Matches:
    """Search the campaign's registered (and pending) voters, in every village, for the
    people about to be stored: ``new`` holds (position, ID number, name key, birth date)."""
    if others is None:
        others = _campaign_voters(election)
    people: list[tuple[Any, str, str, date]] = [
        (("v", pk), number, key, birth) for pk, _, number, key, birth in others
    ]
    people.extend(new)
    new_refs: set[Hashable] = {n for n, *_ in new}
    election_of = {pk: e for pk, e, *_ in others}
    number_of = {p[0]: p[1] for p in people}
    found: list[tuple[str, Any, Any]] = []
    for group in find_duplicates(people):
        if not any(ref in new_refs for ref in group.refs):
            continue
        for a, b in pairs(group, new_refs):
            if group.kind == "name_birth" and number_of[a] == number_of[b]:
                continue  # the same number: reported once, as an ID case
            found.append((group.kind, a, b))
    pending_new: dict[int, str] = {}
    pending_other: set[int] = set()
    names = _village_names(
        election,
        {election_of[ref[1]] for _, a, b in found for ref in (a, b) if not isinstance(ref, int)},
    )
    for kind, a, b in found:
        if kind != "id":
            continue
        new_ref, other_ref = (a, b) if isinstance(a, int) else (b, a)
        if isinstance(other_ref, int):
            continue
        where = names.get(election_of[other_ref[1]], "其他村")
        pending_new[new_ref] = _PENDING_REASON.format(where=where, article=NO_DOUBLE_REGISTRATION)[
            :300
        ]
        pending_other.add(other_ref[1])
    return _Matches(found, election_of, pending_new, pending_other)


def _store_cases(
    election: Election, matches: _Matches, pk_of: dict[int, int], *, batch_id: int | None
) -> list[DuplicateCase]:
    """Record the cases found (the earlier registration first) and set the other villages'
    voters matched by ID number to pending."""
    cases = []
    for kind, a, b in matches.found:
        first, second = (b, a) if isinstance(a, int) and not isinstance(b, int) else (a, b)
        first_pk = pk_of[first] if isinstance(first, int) else first[1]
        second_pk = pk_of[second] if isinstance(second, int) else second[1]
        same_village = all(
            isinstance(ref, int) or matches.election_of[ref[1]] == election.pk
            for ref in (first, second)
        )
        cases.append(
            DuplicateCase(
                campaign_id=election.campaign_id,
                first_id=first_pk,
                second_id=second_pk,
                kind=DuplicateCase.Kind.ID if kind == "id" else DuplicateCase.Kind.NAME_BIRTH,
                scope=DuplicateCase.Scope.VILLAGE if same_village else DuplicateCase.Scope.TOWNSHIP,
                batch_id=batch_id,
            )
        )
    DuplicateCase.objects.bulk_create(cases, batch_size=INSERT_BATCH)
    if matches.pending_other:
        note = _PENDING_REASON.format(where=election.area.name, article=NO_DOUBLE_REGISTRATION)
        for chunk in _chunks(sorted(matches.pending_other), 2000):
            Voter.objects.filter(pk__in=chunk, status=Status.REGISTERED).update(
                status=Status.PENDING, status_reason=note[:300]
            )
    return cases


# --------------------------------------------------------------------------- single voters

#: Fields a hand addition takes (keys of core.roll.columns.FIELDS).
PERSON_FIELDS = tuple(f.key for f in cols.FIELDS)


def voter_add(
    *,
    acting_user: User,
    election: Election,
    values: dict[str, Any],
    note: str = "",
    today: date | None = None,
    _from_objection: bool = False,
) -> Voter:
    """Add one person by hand (补充登记), checked exactly as an imported row, with the
    same duplicate search across the township. Someone already on the register but not on
    the roll (not eligible, or removed) is decided again with the new facts."""
    today = today or timezone.localdate()
    row, errors = importer.check_person(
        {k: values.get(k, "") for k in PERSON_FIELDS},
        election_day=election.election_day,
        today=today,
    )
    if errors:
        field, message = next(iter(errors.items()))
        label = cols.FIELD_BY_KEY[field].label if field in cols.FIELD_BY_KEY else ""
        raise RollError(f"{label}：{message}" if label else message, field)
    assert row is not None
    note = note.strip()
    if len(note) > 200:
        raise RollError("说明：不超过 200 字", "note")
    with transaction.atomic():
        election = _lock(election)
        if not _from_objection:
            _require_writable(election)
        existing = Voter.objects.filter(election=election, id_number=row.id_number).first()
        if existing is not None and existing.status in (Status.REGISTERED, Status.PENDING):
            raise RollError(
                f"公民身份号码 {row.id_number} 已在本村选民登记中（{existing.name}，"
                f"{existing.get_status_display()}）",
                "id_number",
            )
        if existing is not None:  # not eligible before, or removed: decide again
            return _reconsider(existing, row, note, acting_user)
        matches = _match(
            election,
            [(0, row.id_number, row.name_key, row.birth_date)] if row.decision.eligible else [],
        )
        group_ids, created_groups = _group_ids(election, {row.group} - {""}, acting_user)
        decision = row.decision
        if 0 in matches.pending_new:
            status, reason = Status.PENDING, matches.pending_new[0]
        else:
            status = Status.REGISTERED if decision.eligible else Status.INELIGIBLE
            reason = ""
        voter = Voter.objects.create(
            election=election,
            group_id=group_ids.get(row.group) if row.group else None,
            name=row.name,
            name_key=row.name_key[:50],
            sex=row.sex,
            birth_date=row.birth_date,
            id_number=row.id_number,
            ethnicity=row.ethnicity,
            address=row.address,
            household_no=row.household_no,
            category=row.category,
            away=row.away,
            away_contact=row.away_contact,
            opted_in=row.opted_in,
            residence_since=row.residence_since,
            consent_ref=row.consent_ref,
            deprived=row.deprived,
            suspended=row.suspended,
            status=status,
            status_reason=reason,
            decision=decision.text[:300],
            source=(f"手工添加：{note}" if note else "手工添加")[:300],
            updated_by_id=_user_id(acting_user),
        )
        cases = _store_cases(election, matches, {0: voter.pk}, batch_id=None)
        audit_record(
            acting_user=acting_user,
            action="roll.voter_add",
            obj=voter,
            area=election.area,
            after={
                "name": voter.name,
                "id_number": voter.id_number,
                "status": voter.status,
                "decision": voter.decision,
                "note": note,
                "cases": [c.pk for c in cases],
                "groups_created": created_groups,
            },
        )
    return voter


def _reconsider(voter: Voter, row: importer.Row, note: str, acting_user: User) -> Voter:
    """A person already on the register but not on the roll (not eligible, or removed), with
    new facts: store them and decide again, with the duplicate search (inside the caller's
    transaction)."""
    election = voter.election
    matches = _match(
        election,
        [(0, row.id_number, row.name_key, row.birth_date)] if row.decision.eligible else [],
    )
    group_ids, created_groups = _group_ids(election, {row.group} - {""}, acting_user)
    before = {"status": voter.status, "decision": voter.decision}
    for field in (
        "name",
        "name_key",
        "sex",
        "birth_date",
        "ethnicity",
        "address",
        "household_no",
        "category",
        "away",
        "away_contact",
        "opted_in",
        "residence_since",
        "consent_ref",
        "deprived",
        "suspended",
    ):
        setattr(voter, field, getattr(row, field))
    voter.group_id = group_ids.get(row.group) if row.group else None
    voter.decision = row.decision.text[:300]
    if 0 in matches.pending_new:
        voter.status, voter.status_reason = Status.PENDING, matches.pending_new[0]
    else:
        voter.status = Status.REGISTERED if row.decision.eligible else Status.INELIGIBLE
        voter.status_reason = ""
    voter.removal_reason, voter.removed_at = "", None
    voter.updated_by_id = _user_id(acting_user)
    voter.save()
    cases = _store_cases(election, matches, {0: voter.pk}, batch_id=None)
    audit_record(
        acting_user=acting_user,
        action="roll.voter_reconsider",
        obj=voter,
        area=election.area,
        before=before,
        after={
            "status": voter.status,
            "decision": voter.decision,
            "note": note,
            "cases": [c.pk for c in cases],
            "groups_created": created_groups,
        },
    )
    return voter


def _values_of(voter: Voter) -> dict[str, Any]:
    """A stored person as the values :func:`voter_add` takes."""

    def yes(flag: bool | None) -> str:
        return "" if flag is None else ("是" if flag else "否")

    return {
        "name": voter.name,
        "id_number": voter.id_number,
        "sex": "男" if voter.sex == "M" else "女",
        "birth_date": voter.birth_date,
        "ethnicity": voter.ethnicity,
        "group": voter.group.name if voter.group else "",
        "address": voter.address,
        "household_no": voter.household_no,
        "category": voter.category,
        "away": yes(voter.away),
        "away_contact": voter.away_contact,
        "opted_in": yes(voter.opted_in),
        "residence_since": voter.residence_since or "",
        "consent_ref": voter.consent_ref,
        "deprived": yes(voter.deprived),
        "suspended": yes(voter.suspended),
    }


def voter_remove(
    *,
    acting_user: User,
    voter: Voter,
    reason: str,
    note: str = "",
    _from_objection: bool = False,
) -> Voter:
    """Take a voter off the roll (迁出, 死亡, 其他…) with the reason; the row is kept for the
    removed register and the difference against the previous roll."""
    try:
        why = RemovalReason(reason)
    except ValueError:
        raise RollError("除名原因：请选择迁出、死亡或其他", "reason") from None
    note = note.strip()
    if why == RemovalReason.OTHER and not note:
        raise RollError("说明：原因为“其他”时请写明具体原因", "note")
    if len(note) > 200:
        raise RollError("说明：不超过 200 字", "note")
    with transaction.atomic():
        election = _lock(voter.election)
        if not _from_objection:
            _require_writable(election)
        voter = Voter.objects.select_for_update().get(pk=voter.pk)
        if voter.status == Status.REMOVED:
            raise RollError(f"{voter.name}已于此前除名", "")
        before = voter.status
        voter.status = Status.REMOVED
        voter.removal_reason = why.value
        voter.removed_at = timezone.now()
        voter.status_reason = (f"除名：{why.label}" + (f"（{note}）" if note else ""))[:300]
        voter.updated_by_id = _user_id(acting_user)
        voter.save(
            update_fields=[
                "status",
                "removal_reason",
                "removed_at",
                "status_reason",
                "updated_by_id",
            ]
        )
        audit_record(
            acting_user=acting_user,
            action="roll.voter_remove",
            obj=voter,
            area=election.area,
            before={"status": before},
            after={"status": voter.status, "reason": why.value, "note": note},
        )
    return voter


# --------------------------------------------------------------------------- duplicates


def duplicate_resolve(
    *, acting_user: User, case: DuplicateCase, outcome: str, reason: str
) -> DuplicateCase:
    """Decide a duplicate case: which registration stands (the other is removed as a duplicate
    registration), or — for a likely duplicate by name and birth date — that they are two
    people. The reason is required and audited. The caller checks the user may change both
    villages' rolls."""
    reason = reason.strip()
    if not reason:
        raise RollError("处理理由：请填写理由（如核对户籍后确认的情况）", "reason")
    if len(reason) > 300:
        raise RollError("处理理由：不超过 300 字", "reason")
    try:
        choice = DuplicateCase.Outcome(outcome)
    except ValueError:
        raise RollError("处理结果：请选择保留哪一条登记", "outcome") from None
    with transaction.atomic():
        case = DuplicateCase.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise RollError(
                f"该重复登记已于 {timezone.localtime(case.resolved_at):%Y-%m-%d %H:%M} 处理", ""
            )
        if choice == DuplicateCase.Outcome.BOTH and case.kind == DuplicateCase.Kind.ID:
            raise RollError(
                f"公民身份号码相同的是同一人，只能保留一处登记（{NO_DOUBLE_REGISTRATION}）",
                "outcome",
            )
        first = (
            Voter.objects.select_for_update().select_related("election__area").get(pk=case.first_id)
        )
        second = (
            Voter.objects.select_for_update()
            .select_related("election__area")
            .get(pk=case.second_id)
        )
        for v in (first, second):
            _require_writable(v.election)
        kept = (
            [first, second]
            if choice == DuplicateCase.Outcome.BOTH
            else ([first] if choice == DuplicateCase.Outcome.FIRST else [second])
        )
        dropped = [v for v in (first, second) if v not in kept]
        for v in dropped:
            other = kept[0]
            v.status = Status.REMOVED
            v.removal_reason = RemovalReason.DUPLICATE
            v.removed_at = timezone.now()
            v.status_reason = (f"重复登记：保留{other.election.area.name}的登记（{reason}）")[:300]
            v.updated_by_id = _user_id(acting_user)
            v.save(
                update_fields=[
                    "status",
                    "removal_reason",
                    "removed_at",
                    "status_reason",
                    "updated_by_id",
                ]
            )
        case.outcome = choice.value
        case.reason = reason
        case.resolved_at = timezone.now()
        case.resolved_by_id = _user_id(acting_user)
        case.save(update_fields=["outcome", "reason", "resolved_at", "resolved_by_id"])
        for v in kept:
            _release_if_clear(v, acting_user)
        audit_record(
            acting_user=acting_user,
            action="roll.duplicate_resolve",
            obj=case,
            area=first.election.area
            if first.election_id == second.election_id
            else first.election.area.parent,
            after={
                "kind": case.kind,
                "scope": case.scope,
                "outcome": case.outcome,
                "reason": reason,
                "kept": [v.pk for v in kept],
                "removed": [v.pk for v in dropped],
            },
        )
    return case


def _release_if_clear(voter: Voter, acting_user: User) -> None:
    """A pending voter with no open ID-number case left goes back on the roll (only eligible
    people are ever matched, so a pending voter was found eligible)."""
    if voter.status != Status.PENDING:
        return
    still = DuplicateCase.objects.filter(
        Q(first=voter) | Q(second=voter), resolved_at__isnull=True, kind=DuplicateCase.Kind.ID
    ).exists()
    if still:
        return
    voter.status = Status.REGISTERED
    voter.status_reason = ""
    voter.updated_by_id = _user_id(acting_user)
    voter.save(update_fields=["status", "status_reason", "updated_by_id"])


# --------------------------------------------------------------------------- the posted list


def list_deadline(election: Election) -> tuple[date, str]:
    """The latest day to publish the list (profile deadline ``voter_list_published``)."""
    for d in election_schedule(election):
        if d.id == "voter_list_published":
            return d.date, str(d.citation)
    return election.election_day, str(core_objections.LIST_PUBLICATION)


def list_publish(
    *, acting_user: User, election: Election, published_on: date, today: date | None = None
) -> ListPublication:
    """Record that the voter list was posted on ``published_on`` (村民委员会组织法 第十四条第一款);
    this opens the five days for objections."""
    today = today or timezone.localdate()
    latest, _ = list_deadline(election)
    refusal = core_objections.check_publication(
        published_on, latest=latest, election_day=election.election_day, today=today
    )
    if refusal is not None:
        raise RollError(str(refusal), "published_on")
    with transaction.atomic():
        election = _lock(election)
        _require_writable(election)
        existing = ListPublication.objects.filter(election=election).first()
        if existing is not None:
            raise RollError(
                f"选民名单已于 {existing.published_on.isoformat()} 公布", "published_on"
            )
        if ImportBatch.objects.filter(
            election=election,
            state__in=[
                ImportBatch.State.QUEUED,
                ImportBatch.State.READING,
                ImportBatch.State.WRITING,
            ],
        ).exists():
            raise RollError("有一批导入正在进行，请待其完成后再公布", "")
        open_cases = DuplicateCase.objects.filter(
            Q(first__election=election) | Q(second__election=election), resolved_at__isnull=True
        ).count()
        if open_cases:
            raise RollError(f"尚有 {open_cases} 组重复登记未处理，处理后才能公布选民名单", "")
        count = Voter.objects.filter(election=election, status=Status.REGISTERED).count()
        if not count:
            raise RollError("选民名单上还没有登记的选民", "")
        window = core_objections.filing_closes(published_on)
        publication = ListPublication.objects.create(
            election=election,
            published_on=published_on,
            voter_count=count,
            filing_closes=window.last_day,
            published_by_id=_user_id(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="roll.list_publish",
            obj=publication,
            area=election.area,
            after={
                "published_on": published_on,
                "voters": count,
                "filing_closes": window.last_day,
                "note": window.note,
            },
        )
    return publication


# --------------------------------------------------------------------------- objections


def objection_file(
    *,
    acting_user: User,
    election: Election,
    filed_on: date,
    filed_by_name: str,
    kind: str,
    content: str,
    contact: str = "",
    voter: Voter | None = None,
    subject_name: str = "",
    subject_id_number: str = "",
    today: date | None = None,
) -> Objection:
    """Receive an objection to the posted list (申诉): within five days of publication
    (村民委员会组织法 第十四条第二款); a late one is refused with the deadline named."""
    today = today or timezone.localdate()
    filed_by_name = filed_by_name.strip()
    content = content.strip()
    if not filed_by_name:
        raise RollError("申诉人：请填写申诉人姓名", "filed_by_name")
    if len(filed_by_name) > 50:
        raise RollError("申诉人：不超过 50 字", "filed_by_name")
    if not content:
        raise RollError("申诉理由：请填写申诉的事项和理由", "content")
    try:
        the_kind = Objection.Kind(kind)
    except ValueError:
        raise RollError("申诉事项：请选择漏登、错登或信息有误", "kind") from None
    if the_kind == Objection.Kind.ADD:
        subject_name = subject_name.strip()
        if not subject_name:
            raise RollError("所涉人员姓名：请填写要求登记的人员姓名", "subject_name")
        number = subject_id_number.strip().upper()
        if number:
            checked = check_id(number, today=today)
            if not checked.valid:
                raise RollError(f"所涉人员公民身份号码：{checked.message_zh}", "subject_id_number")
            number = checked.normalized
        subject_id_number = number
    else:
        if voter is None or voter.election_id != election.pk:
            raise RollError("所涉选民：请从本村选民名单中选择", "voter")
        subject_name, subject_id_number = voter.name, voter.id_number
    with transaction.atomic():
        election = _lock(election)
        _require_writable(election, objection=True)
        publication = ListPublication.objects.filter(election=election).first()
        if publication is None:
            raise RollError("选民名单尚未公布，公布后才能受理申诉", "")
        refusal = core_objections.check_filing(publication.published_on, filed_on, today=today)
        if refusal is not None:
            raise RollError(str(refusal), "filed_on")
        due = core_objections.decision_due(filed_on)
        number_next = (
            Objection.objects.filter(election=election).aggregate(m=Max("number"))["m"] or 0
        ) + 1
        objection = Objection.objects.create(
            election=election,
            number=number_next,
            filed_on=filed_on,
            filed_by_name=filed_by_name,
            contact=contact.strip()[:100],
            kind=the_kind.value,
            voter=voter if the_kind != Objection.Kind.ADD else None,
            subject_name=subject_name[:50],
            subject_id_number=subject_id_number,
            content=content,
            decision_due=due.last_day,
            created_by_id=_user_id(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="roll.objection_file",
            obj=objection,
            area=election.area,
            after={
                "number": objection.number,
                "filed_on": filed_on,
                "kind": objection.kind,
                "subject": subject_name,
                "decision_due": due.last_day,
            },
        )
    return objection


#: Fields an upheld correction may change (the rest follow from the ID number).
CORRECTABLE = ("name", "group", "address", "household_no", "ethnicity")


def objection_decide(
    *,
    acting_user: User,
    objection: Objection,
    outcome: str,
    reason: str,
    decided_on: date,
    person: dict[str, Any] | None = None,
    corrections: dict[str, str] | None = None,
    today: date | None = None,
) -> Objection:
    """Decide an objection and apply the roll change in the same transaction: an upheld
    漏登 adds the person (``person``: the fields of a hand addition), an upheld 错登 removes
    the voter, an upheld 信息有误 applies ``corrections``. The decision is published with
    its reason (申诉处理决定公告)."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise RollError("处理理由：请写明决定的理由", "reason")
    try:
        result = Objection.Outcome(outcome)
    except ValueError:
        raise RollError("处理结果：请选择申诉成立或不成立", "outcome") from None
    refusal = core_objections.check_decision(objection.filed_on, decided_on, today=today)
    if refusal is not None:
        raise RollError(str(refusal), "decided_on")
    with transaction.atomic():
        election = _lock(objection.election)
        _require_writable(election, objection=True)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.decided:
            raise RollError(f"申诉 {objection.number} 已于 {objection.decided_on} 作出决定", "")
        change: dict[str, Any] = {"action": "none"}
        if result == Objection.Outcome.UPHELD:
            if objection.kind == Objection.Kind.ADD:
                known = (
                    Voter.objects.filter(election=election, id_number=objection.subject_id_number)
                    .select_related("group")
                    .first()
                    if objection.subject_id_number
                    else None
                )
                # The person's stored facts, with what the decision establishes on top.
                values = _values_of(known) if known is not None else {}
                values.update({k: v for k, v in (person or {}).items() if v not in ("", None)})
                values.setdefault("name", objection.subject_name)
                values.setdefault("id_number", objection.subject_id_number)
                added = voter_add(
                    acting_user=acting_user,
                    election=election,
                    values=values,
                    note=f"申诉 {objection.number} 成立",
                    today=today,
                    _from_objection=True,
                )
                objection.voter = added
                change = {"action": "add", "voter": added.pk, "status": added.status}
            elif objection.kind == Objection.Kind.REMOVE:
                assert objection.voter is not None
                voter_remove(
                    acting_user=acting_user,
                    voter=objection.voter,
                    reason=RemovalReason.OBJECTION,
                    note=f"申诉 {objection.number} 成立：{reason}"[:200],
                    _from_objection=True,
                )
                change = {"action": "remove", "voter": objection.voter_id}
            else:
                assert objection.voter is not None
                change = {
                    "action": "correct",
                    "voter": objection.voter_id,
                    **_correct(objection.voter, corrections or {}, acting_user),
                }
        objection.outcome = result.value
        objection.decision_reason = reason
        objection.decided_on = decided_on
        objection.decided_by_id = _user_id(acting_user)
        change["late"] = decided_on > objection.decision_due
        objection.roll_change = json_safe(change)
        objection.save(
            update_fields=[
                "outcome",
                "decision_reason",
                "decided_on",
                "decided_by_id",
                "roll_change",
                "voter",
            ]
        )
        audit_record(
            acting_user=acting_user,
            action="roll.objection_decide",
            obj=objection,
            area=election.area,
            after={
                "number": objection.number,
                "outcome": objection.outcome,
                "reason": reason,
                "decided_on": decided_on,
                "change": objection.roll_change,
            },
        )
    return objection


def json_safe(value: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in value.items()}


def _correct(voter: Voter, corrections: dict[str, str], acting_user: User) -> dict[str, Any]:
    changes = {k: str(v).strip() for k, v in corrections.items() if k in CORRECTABLE}
    if not changes:
        raise RollError(
            "更正内容：请填写要更正的项目（姓名、村民小组、住址、户号或民族）", "corrections"
        )
    before: dict[str, Any] = {}
    voter = Voter.objects.select_for_update().get(pk=voter.pk)
    for key, value in changes.items():
        limit = 50 if key == "name" else 100 if key == "group" else 200
        if key == "name" and not value:
            raise RollError("姓名：不能为空", "name")
        if len(value) > limit:
            raise RollError(f"{cols.FIELD_BY_KEY[key].label}：不超过 {limit} 字", key)
        if key == "group":
            before[key] = voter.group.name if voter.group else ""
            ids, _ = _group_ids(voter.election, {value} - {""}, acting_user)
            voter.group_id = ids.get(value) if value else None
        else:
            before[key] = getattr(voter, key)
            setattr(voter, key, value)
            if key == "name":
                voter.name_key = name_key(value)[:50]
    voter.updated_by_id = _user_id(acting_user)
    voter.save()
    return {"before": before, "after": changes}


# --------------------------------------------------------------------------- voter cards


def card_prefix(election: Election) -> str:
    code = "".join(ch for ch in election.area.code if ch.isalnum())
    return code or f"V{election.area.pk}"


def cards_assign(*, acting_user: User, election: Election) -> int:
    """Give every registered voter without one a voter-card serial, continuing the village's
    numbering, in the order of the posted list (group, then strokes). Returns how many."""
    from huanjie.apps.roll import selectors  # noqa: PLC0415 — selectors import services' models

    with transaction.atomic():
        election = _lock(election)
        voters = [v for v in selectors.public_order(election) if not v.serial]
        if not voters:
            return 0
        prefix = card_prefix(election)
        term = election.campaign.term
        taken = [
            int(s.rsplit("-", 1)[1])
            for s in Voter.objects.filter(election=election)
            .exclude(serial="")
            .values_list("serial", flat=True)
            if s.rsplit("-", 1)[-1].isdigit()
        ]
        start = max(taken, default=0)
        for n, voter in enumerate(voters, start=start + 1):
            voter.serial = core_cards.serial(prefix, term, n)
        Voter.objects.bulk_update(voters, ["serial"], batch_size=2000)
        audit_record(
            acting_user=acting_user,
            action="roll.cards_assign",
            obj=election,
            area=election.area,
            after={"assigned": len(voters), "first": voters[0].serial, "last": voters[-1].serial},
        )
    return len(voters)


def card_payload(serial_no: str) -> str:
    return core_cards.payload(serial_no, settings.SECRET_KEY.encode())


def card_check(election: Election, text: str) -> tuple[Voter | None, str]:
    """The voter a card's QR text belongs to, or why not."""
    serial_no = core_cards.verify(text, settings.SECRET_KEY.encode())
    if serial_no is None:
        return None, "二维码无效：不是本系统签发的选民证，或内容被改动"
    voter = Voter.objects.filter(election=election, serial=serial_no).first()
    if voter is None:
        return None, f"选民证 {serial_no} 不属于本村本届选举"
    if voter.status != Status.REGISTERED:
        return (
            voter,
            f"选民证 {serial_no}（{voter.name}）：{voter.get_status_display()}，不能领取选票",
        )
    return voter, ""


def print_job_start(*, acting_user: User, election: Election, kind: str) -> PrintJob:
    with transaction.atomic():
        job = PrintJob.objects.create(
            election=election, kind=kind, created_by_id=_user_id(acting_user)
        )
        audit_record(
            acting_user=acting_user,
            action="roll.print_start",
            obj=job,
            area=election.area,
            after={"kind": kind},
        )
    return job


def cards_print_run(*, job_id: int) -> PrintJob:
    """Make the voter-card PDF of a print job (the background job): every registered voter
    with a serial, in the order of the posted list. A failure is recorded on the job."""
    from huanjie.apps.roll import documents, selectors  # noqa: PLC0415 — they import services

    job = PrintJob.objects.select_related("election__area", "election__campaign").get(pk=job_id)
    if job.state != PrintJob.State.QUEUED:
        return job
    election = job.election
    voters = [v for v in selectors.public_order(election) if v.serial]
    PrintJob.objects.filter(pk=job.pk).update(state=PrintJob.State.RUNNING, total=len(voters))
    relative = Path("roll") / f"election-{election.pk}" / f"voter-cards-{job.pk}.pdf"
    try:
        data = documents.cards_pdf(election, voters, missing="mark")
        target = _media_root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except Exception as err:
        message = err.message if isinstance(err, ServiceError) else f"生成失败：{err}"
        PrintJob.objects.filter(pk=job.pk).update(
            state=PrintJob.State.FAILED, message=message, finished_at=timezone.now()
        )
    else:
        PrintJob.objects.filter(pk=job.pk).update(
            state=PrintJob.State.DONE,
            done=len(voters),
            path=str(relative),
            finished_at=timezone.now(),
            message=f"共 {len(voters)} 张选民证",
        )
    job.refresh_from_db()
    return job


def print_job_file(job: PrintJob) -> Path | None:
    if job.state != PrintJob.State.DONE or not job.path:
        return None
    path = _media_root() / job.path
    return path if path.is_file() else None
