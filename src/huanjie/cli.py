"""The huanjie command line. Its contract (commands, JSON shapes, exit codes) is relied on by
other parts and by outside checks: see README.md and docs/schemas/.

Exit codes: 0 — done (an invalid election round is a decision, not an error);
2 — the input could not be used (one clear line on standard error).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TextIO

from huanjie.core.rules import Profile, ProfileError, bundled_data, bundled_ids, resolve_profile

PROG = "huanjie"


class UsageError(Exception):
    """Input that cannot be used; the message is shown as one line and the exit code is 2."""


def _fail(command: str, message: str) -> NoReturn:
    print(f"{PROG} {command}: {message}", file=sys.stderr)
    raise SystemExit(2)


def _read_text(source: str) -> tuple[str, str]:
    """The text of FILE, or of standard input for ``-``; and the name to show in messages."""
    if source == "-":
        return sys.stdin.read().removeprefix("\ufeff"), "<stdin>"
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig"), source
    except FileNotFoundError:
        raise UsageError(f"{source}: 文件不存在") from None
    except IsADirectoryError:
        raise UsageError(f"{source}: 是目录，不是文件") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{source}: 不是 UTF-8 编码的文本（第 {exc.start} 字节）") from None
    except OSError as exc:
        raise UsageError(f"{source}: 无法读取（{exc.strerror}）") from None


def _load_json(source: str) -> tuple[Any, str]:
    text, shown = _read_text(source)
    try:
        return json.loads(text), shown
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{shown}: 第 {exc.lineno} 行第 {exc.colno} 列 JSON 格式错误（{exc.msg}）"
        ) from None
    except RecursionError:
        raise UsageError(f"{shown}: JSON 嵌套层数过深，无法读取") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise UsageError(f"{shown}: JSON 中有无法读取的数值（{exc}）") from None


def profile_resolver(base_dir: Path) -> Callable[[str], Profile]:
    """Resolve a profile reference: a bundled id (``village/zhejiang``) or a JSON file path.

    A user's own profile file may ``extend`` a bundled id or another file (relative to itself).
    """

    def load_file(ref: str, relative_to: Path) -> tuple[Mapping[str, Any], Path]:
        path = (relative_to / ref).resolve()
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ProfileError(
                f"找不到规则配置文件 {path}；内置配置有：{', '.join(bundled_ids())}"
            ) from None
        except json.JSONDecodeError as exc:
            raise ProfileError(
                f"规则配置文件 {path} 第 {exc.lineno} 行 JSON 格式错误（{exc.msg}）"
            ) from None
        if not isinstance(data, dict):
            raise ProfileError(f"规则配置文件 {path} 应为 JSON 对象")
        return data, path.parent

    def is_file_ref(ref: str) -> bool:
        return ref.endswith(".json") or ref.startswith((".", "/"))

    def resolve(ref: str) -> Profile:
        if not is_file_ref(ref):
            return resolve_profile(bundled_data(ref))
        data, folder = load_file(ref, base_dir)
        folders = {str(data.get("id")): folder}

        def loader(parent: str) -> Mapping[str, Any]:
            if not is_file_ref(parent):
                return bundled_data(parent)
            child_folder = next(reversed(folders.values()))
            parent_data, parent_folder = load_file(parent, child_folder)
            folders[str(parent_data.get("id"))] = parent_folder
            return parent_data

        return resolve_profile(data, loader)

    return resolve


# ---------------------------------------------------------------- tally


def _decide_file(
    args: argparse.Namespace,
    parse: Callable[[Any, Callable[[str], Profile]], Any],
    to_json: Callable[[Any], dict[str, Any]],
) -> int:
    """Read FILE (or stdin), parse and decide it in the core, print the outcome as JSON."""
    from huanjie.core.count.parse import InputError

    # A million ballots are millions of small objects that are never freed before exit:
    # the cyclic garbage collector would only rescan them again and again.
    gc.disable()
    data, shown = _load_json(args.file)
    base = Path.cwd() if args.file == "-" else Path(args.file).resolve().parent
    try:
        result = parse(data, profile_resolver(base))
    except InputError as exc:
        raise UsageError(f"{shown}: {exc.field}: {exc.message}") from None
    _print_json(to_json(result), sys.stdout)
    return 0


def cmd_tally(args: argparse.Namespace) -> int:
    from huanjie.core.count import decide_round, outcome_to_json, parse_round

    return _decide_file(
        args, lambda data, resolve: decide_round(parse_round(data, resolve)), outcome_to_json
    )


def cmd_recall(args: argparse.Namespace) -> int:
    from huanjie.core.count.recall import parse_recall, recall_to_json

    return _decide_file(args, parse_recall, recall_to_json)


def cmd_nominate(args: argparse.Namespace) -> int:
    from huanjie.core.count.nomination import nomination_to_json, parse_nomination

    return _decide_file(args, parse_nomination, nomination_to_json)


def _print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


# ---------------------------------------------------------------- names


def cmd_names_sort(args: argparse.Namespace) -> int:
    from huanjie.core.names import explain, stroke_sort

    overrides: dict[str, str] = {}
    for item in args.override or []:
        char, _, sequence = item.partition("=")
        if len(char) != 1 or not sequence.isdigit() or set(sequence) - set("12345"):
            raise UsageError(
                f"--override {item!r}: 应为 字=笔顺（横1竖2撇3点4折5），如 訚=4254111251"
            )
        overrides[char] = sequence
    names = [line.strip() for line in sys.stdin if line.strip()]
    try:
        ordered = stroke_sort(names, overrides=overrides, convention=args.convention)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not args.explain:
        sys.stdout.write("".join(f"{n}\n" for n in ordered))
        return 0
    for name in ordered:
        key = explain(name, overrides=overrides, convention=args.convention)
        parts = " ".join(
            f"{c.char}{'(' + c.simplified + ')' if c.simplified != c.char else ''}"
            f":{c.strokes if c.strokes is not None else '?'}:{c.sequence or '-'}"
            f"{'!' if c.source in ('count-only', 'unknown') else ''}"
            for c in key.chars
        )
        flag = f"\t需人工确认: {''.join(key.flagged)}" if key.flagged else ""
        sys.stdout.write(f"{name}\t{parts}{flag}\n")
    return 0


# ---------------------------------------------------------------- ID numbers


def cmd_idcard_check(args: argparse.Namespace) -> int:
    from huanjie.core.roll.idcard import check

    today = date.fromisoformat(args.today) if args.today else date.today()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["id", "valid", "birth_date", "sex", "reason"])
    for line in sys.stdin:
        raw = line.strip()
        if not raw:
            continue
        result = check(raw, today=today)
        writer.writerow(
            [
                result.normalized or raw,
                "true" if result.valid else "false",
                result.birth_date.isoformat() if result.birth_date else "",
                result.sex or "",
                result.reason,
            ]
        )
    return 0


# ---------------------------------------------------------------- calendar


def _deadline_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label,
        "date": item.date.isoformat(),
        "kind": item.kind,
        "from": item.from_id,
        "from_date": item.from_date.isoformat(),
        "days": item.days,
        "extended_from": item.extended_from.isoformat() if item.extended_from else None,
        "article": str(item.citation),
        "counting": str(item.counting) if item.counting else None,
        "notes": list(item.notes),
        "flags": list(item.flags),
    }


def cmd_calendar(args: argparse.Namespace) -> int:
    from huanjie.core.calendar import DeadlineRule, schedule
    from huanjie.core.calendar.deadlines import FLAG_HOLIDAY_DATA_MISSING

    try:
        day = date.fromisoformat(args.election_day)
    except ValueError:
        raise UsageError(
            f"--election-day: 日期应为 YYYY-MM-DD，实为 {args.election_day!r}"
        ) from None
    try:
        profile = profile_resolver(Path.cwd())(args.profile)
    except ProfileError as exc:
        raise UsageError(f"--profile: {exc}") from None
    try:
        rules = [DeadlineRule.from_data(d) for d in profile.deadlines]
        items = schedule(rules, day, strict=False)
    except ValueError as exc:
        raise UsageError(f"{profile.id}: {exc}") from None
    unadjusted = [i for i in items if FLAG_HOLIDAY_DATA_MISSING in i.flags]
    if unadjusted:
        print(
            f"{PROG} calendar: 注意：{len(unadjusted)} 个期限所在年份尚无国务院节假日安排，"
            "未按法定休假日顺延，通知公布后请重新计算",
            file=sys.stderr,
        )
    if args.format == "json":
        _print_json(
            {
                "profile": profile.id,
                "election_day": day.isoformat(),
                "deadlines": [_deadline_json(item) for item in items],
            },
            sys.stdout,
        )
        return 0
    print(f"{profile.title}  选举日 {day.isoformat()}")
    for item in items:
        extra = (
            f"（遇法定休假日顺延，原为 {item.extended_from.isoformat()}）"
            if item.extended_from
            else ""
        )
        if FLAG_HOLIDAY_DATA_MISSING in item.flags:
            extra += "（该年节假日安排未收录，未核对）"
        print(f"{item.date.isoformat()}  {item.label}{extra}  [{item.citation}]")
    return 0


# ---------------------------------------------------------------- profiles


def cmd_profiles(args: argparse.Namespace) -> int:
    resolve = profile_resolver(Path.cwd())
    if args.show:
        try:
            _print_json(resolve(args.show).to_json(), sys.stdout)
        except ProfileError as exc:
            raise UsageError(str(exc)) from None
        return 0
    for pid in bundled_ids():
        profile = resolve(pid)
        parent = f"  (extends {profile.lineage[1]})" if len(profile.lineage) > 1 else ""
        print(f"{pid}\t{profile.title}{parent}")
    return 0


# ---------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> int:
    from huanjie.demo import run_demo

    return run_demo(sys.stdout)


def cmd_manage(args: argparse.Namespace) -> int:
    """Django's management commands (migrate, verify_audit, createsuperuser, …)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["huanjie manage", *args.rest])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the web application (and its background worker) on this machine."""
    from huanjie.web.serve import serve

    return serve(host=args.host, port=args.port, demo=args.demo, worker=not args.no_worker)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="换届选举：依法计票、排序、核验与日程")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("tally", help="decide one round from JSON (huanjie.round/1)")
    p.add_argument("file", help="round JSON file, or - for standard input")
    p.set_defaults(func=cmd_tally, name="tally")

    p = sub.add_parser("recall", help="decide a recall petition and vote (huanjie.recall/1)")
    p.add_argument("file")
    p.set_defaults(func=cmd_recall, name="recall")

    p = sub.add_parser(
        "nominate", help="preliminary candidates from nomination votes (huanjie.nomination/1)"
    )
    p.add_argument("file")
    p.set_defaults(func=cmd_nominate, name="nominate")

    names = sub.add_parser("names", help="names in official stroke order (按姓氏笔画排序)")
    names_sub = names.add_subparsers(dest="names_command", required=True)
    p = names_sub.add_parser("sort", help="names one per line on standard input")
    p.add_argument("--explain", action="store_true", help="print the stroke keys")
    p.add_argument(
        "--convention",
        choices=["surname", "fullname"],
        default="surname",
        help="surname: 按姓氏笔画 (a one-character given name sorts first, as in Party lists); "
        "fullname: 按姓名笔画 (character by character, as in people's-congress lists)",
    )
    p.add_argument(
        "--override",
        action="append",
        metavar="CHAR=SEQUENCE",
        help="stroke sequence for a character without data, e.g. 訚=4254111251 (repeatable)",
    )
    p.set_defaults(func=cmd_names_sort, name="names sort")

    idcard = sub.add_parser("idcard", help="resident ID numbers (GB 11643-1999)")
    id_sub = idcard.add_subparsers(dest="idcard_command", required=True)
    p = id_sub.add_parser("check", help="IDs one per line on standard input → CSV")
    p.add_argument("--today", help="reject birth dates after this day (default: today)")
    p.set_defaults(func=cmd_idcard_check, name="idcard check")

    p = sub.add_parser("calendar", help="statutory schedule counted from election day")
    p.add_argument("--profile", required=True)
    p.add_argument("--election-day", required=True)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_calendar, name="calendar")

    p = sub.add_parser("profiles", help="list rule profiles, or --show ID to print one resolved")
    p.add_argument("--show", metavar="ID_OR_FILE")
    p.set_defaults(func=cmd_profiles, name="profiles")

    p = sub.add_parser("manage", help="web application administration (Django management commands)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage, name="manage")

    p = sub.add_parser("demo", help="count a bundled example election and explain the decision")
    p.set_defaults(func=cmd_demo, name="demo")

    p = sub.add_parser("serve", help="start the web application (database set up on first run)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help="load the demonstration township first")
    p.add_argument("--no-worker", action="store_true", help="do not start the background worker")
    p.set_defaults(func=cmd_serve, name="serve")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except UsageError as exc:
        _fail(args.name, str(exc))
    except BrokenPipeError:
        return 0
    return result


if __name__ == "__main__":
    raise SystemExit(main())
