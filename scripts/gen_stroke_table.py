#!/usr/bin/env python3
"""Generate the bundled stroke tables for ``huanjie.core.names``.

Run by hand, never at run time.  It reads two local, already downloaded
sources and writes two compact text files that are committed:

* ``src/huanjie/core/names/data/strokes.tsv``: total stroke counts for every
  character Unihan knows, plus the stroke-type sequence (横1 竖2 撇3 点4 折5)
  and a finer sub-shape code for the ~6,900 characters covered by cnchar-order;
* ``src/huanjie/core/names/data/t2s.tsv``: traditional -> simplified mapping used
  to read names written in traditional characters.

Sources (both offline):

* Unihan (Unicode Character Database), Debian package ``unicode-data``:
  ``/usr/share/unicode/Unihan_IRGSources.txt.bz2`` (``kTotalStrokes``) and
  ``/usr/share/unicode/Unihan_Variants.txt.bz2`` (``kSimplifiedVariant``), or an
  upstream ``Unihan.zip``.  Licence: Unicode License Agreement, Data Files and
  Software (https://www.unicode.org/license.txt).
* npm package ``cnchar-order`` (``cd /tmp && npm install cnchar-order``): the
  file ``cnchar.order.min.js`` embeds ``JSON.parse('{...}')`` literals with the
  stroke order of each character as one letter per stroke, and the letter
  legend.  Licence: MIT, Copyright (c) 2017 - present theajack.
* npm package ``cnchar-radical`` (same project, same licence): the structure of
  each character (左右, 上下, 独体, 半包围, 全包围, 品字, 上中下, 左中右), for
  GF 3003's structure tie-break (左右形 before 上下形 before 整体形).

Usage::

    python scripts/gen_stroke_table.py \\
        --unihan /usr/share/unicode \\
        --cnchar /tmp/node_modules/cnchar-order \\
        --cnchar-radical /tmp/node_modules/cnchar-radical \\
        --out src/huanjie/core/names/data
"""

from __future__ import annotations

import argparse
import bz2
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

# cnchar-order letters -> (main class 1..5, sub-shape code).
#
# Main class, as fixed by 《印刷通用汉字字形表》(1965) and restated in GF 2001-2001:
# 提 counts as 横, 竖钩 as 竖, 捺 as 点, every other hooked or turning stroke as 折.
#
# Sub-shape code (one character, compared only between strokes of the same main
# class): GF 3003 puts the main shape before the attached shape (先主后附): 横
# before 提, 竖 before 竖钩, 点 before 捺.  Turning strokes follow the order of the
# 25 折笔 listed in GF 2001-2001 (横折, 横撇, 横钩, 横折钩, 横折提, 横折弯, 横折折,
# 横斜钩, 横折弯钩, 横撇弯钩, 横折折撇, 横折折折钩, 横折折折, 竖提, 竖折, 竖钩, 竖弯,
# 竖弯钩, 竖折撇, 竖折折, 竖折折钩, 撇点, 撇折, 斜钩, 弯钩).  cnchar-order merges
# a few of these under one letter (e.g. 横撇|横钩); a merged letter takes the
# position of its first member, so the sub-shape order is approximate.
LETTERS: dict[str, tuple[int, str, str]] = {
    # letter: (class, sub-shape code, cnchar name)
    "j": (1, "0", "横"),
    "i": (1, "1", "提"),
    "f": (2, "0", "竖"),
    "g": (2, "1", "竖钩"),
    "s": (3, "0", "撇"),
    "k": (4, "0", "点"),
    "d": (4, "0", "点(左点/长点)"),
    "l": (4, "1", "捺"),
    "c": (5, "0", "横折"),
    "e": (5, "1", "横撇|横钩"),
    "r": (5, "3", "横折钩"),
    "p": (5, "4", "横折提"),
    "v": (5, "5", "横折折|横折弯"),
    "o": (5, "7", "横斜钩(横折弯钩)"),
    "w": (5, "9", "横折折折钩|横撇弯钩"),
    "a": (5, "a", "横折折撇"),
    "q": (5, "c", "横折折折"),
    "h": (5, "d", "竖提"),
    "b": (5, "e", "竖弯(竖折)"),
    "u": (5, "h", "竖弯钩"),
    "x": (5, "i", "竖折撇|竖折折"),
    "z": (5, "k", "竖折折钩"),
    "m": (5, "l", "撇点"),
    "n": (5, "m", "撇折"),
    "y": (5, "n", "斜钩|卧钩"),
    "t": (5, "o", "弯钩"),
}

# cnchar-radical structure letters -> GF 3003 structure class:
# 1 左右形 (左右, 左中右), 2 上下形 (上下, 上中下, 品字), 3 整体形 (独体, 半包围, 全包围).
STRUCTURES: dict[str, tuple[int, str]] = {
    "a": (1, "左右结构"),
    "h": (1, "左中右结构"),
    "b": (2, "上下结构"),
    "g": (2, "上中下结构"),
    "f": (2, "品字结构"),
    "c": (3, "独体结构"),
    "d": (3, "半包围结构"),
    "e": (3, "全包围结构"),
}

# Characters that cnchar-radical 3.2.6 leaves out (its list appears to skip a
# few words such as 枪, 炸, 赌); structure classified by hand here.
STRUCTURE_SUPPLEMENT: dict[str, int] = {
    "仇": 1,
    "刺": 1,
    "枪": 1,
    "狙": 1,
    "剑": 1,
    "炮": 1,
    "炸": 1,
    "钞": 1,
    "弹": 1,
    "淫": 1,
    "棍": 1,
    "棒": 1,
    "硝": 1,
    "赌": 1,
    "酮": 1,
    "爆": 1,
    "杀": 2,
    "驽": 2,
    "毒": 2,
    "箭": 2,
    "刀": 3,
    "叉": 3,
    "币": 3,
    "死": 3,
}

# Known errors in cnchar-order 3.2.6, corrected here (character: (letters, reason)).
ERRATA: dict[str, tuple[str, str]] = {
    "皙": (
        "jfskssjfsfcjj",
        "cnchar-order drops the first 撇 of 白 (12 strokes); 析 8 + 白 5 = 13, as Unihan",
    ),
}

UNICODE_NOTICE = """\
# Unihan data: Copyright (c) 1991-2022 Unicode, Inc. All rights reserved.
# Distributed under the Unicode License Agreement - Data Files and Software
# (https://www.unicode.org/license.txt): permission is granted, free of charge,
# to use, copy, modify, merge, publish, distribute and/or sell copies of the
# Data Files, provided that this copyright and permission notice appear with
# all copies.  THE DATA FILES ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND."""


def _read_lines(unihan: Path, member: str) -> Iterator[str]:
    """Lines of one Unihan file from a directory (plain or .bz2) or Unihan.zip."""
    if unihan.is_file() and unihan.suffix == ".zip":
        with zipfile.ZipFile(unihan) as zf, zf.open(member) as fh:
            yield from io.TextIOWrapper(fh, encoding="utf-8")
        return
    plain = unihan / member
    if plain.exists():
        with plain.open(encoding="utf-8") as fh:
            yield from fh
        return
    with bz2.open(unihan / (member + ".bz2"), "rt", encoding="utf-8") as fh:
        yield from fh


def _unihan_field(unihan: Path, member: str, field: str) -> dict[str, str]:
    out: dict[str, str] = {}
    tag = "\t" + field + "\t"
    for line in _read_lines(unihan, member):
        if tag in line and not line.startswith("#"):
            cp, _, value = line.rstrip("\n").split("\t", 2)
            out[chr(int(cp[2:], 16))] = value
    return out


def _unicode_version(unihan: Path, member: str) -> str:
    for line in _read_lines(unihan, member):
        m = re.match(r"#\s*Unicode version:\s*(\S+)", line)
        if m:
            return m.group(1)
        if not line.startswith("#"):
            break
    return "unknown"


def _cnchar(cnchar_dir: Path) -> tuple[dict[str, str], dict[str, dict[str, str]], str, str]:
    js = (cnchar_dir / "cnchar.order.min.js").read_text(encoding="utf-8")
    literals = re.findall(r"JSON\.parse\('(\{.*?\})'\)", js)
    orders = json.loads(literals[0])
    legend = json.loads(literals[1])
    pkg = json.loads((cnchar_dir / "package.json").read_text(encoding="utf-8"))
    licence = (cnchar_dir / "LICENSE").read_text(encoding="utf-8")
    return orders, legend, str(pkg["version"]), licence


def _cnchar_structures(radical_dir: Path) -> tuple[dict[str, str], str]:
    js = (radical_dir / "cnchar.radical.min.js").read_text(encoding="utf-8")
    literals = re.findall(r"JSON\.parse\('(\{.*?\})'\)", js)
    names = json.loads(literals[0])
    if names != {k: v[1] for k, v in STRUCTURES.items()}:
        raise SystemExit(f"unexpected cnchar-radical structure legend: {names}")
    radicals = json.loads(literals[1])
    out: dict[str, str] = {}
    for radical, body in radicals.items():
        if radical == "*":  # radicals themselves: <char><letter><stroke count>
            for m in re.finditer(r"(.)([a-h])(\d{1,2})", body):
                out.setdefault(m.group(1), m.group(2))
        else:  # "<count>:" then <char><letter> pairs
            pairs = body[body.index(":") + 1 :]
            for i in range(0, len(pairs) - 1, 2):
                out.setdefault(pairs[i], pairs[i + 1])
    pkg = json.loads((radical_dir / "package.json").read_text(encoding="utf-8"))
    return out, str(pkg["version"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--unihan",
        type=Path,
        default=Path("/usr/share/unicode"),
        help="directory with Unihan_*.txt(.bz2), or Unihan.zip",
    )
    ap.add_argument(
        "--cnchar",
        type=Path,
        default=Path("/tmp/node_modules/cnchar-order"),
        help="directory of the installed npm package cnchar-order",
    )
    ap.add_argument(
        "--cnchar-radical",
        type=Path,
        default=None,
        help="directory of cnchar-radical (default: next to cnchar-order)",
    )
    ap.add_argument("--out", type=Path, default=Path("src/huanjie/core/names/data"))
    args = ap.parse_args(argv)

    orders, legend, cn_version, cn_licence = _cnchar(args.cnchar)
    errata_notes = []
    for ch, (letters, reason) in ERRATA.items():
        errata_notes.append(f"{ch} U+{ord(ch):04X}: {orders.get(ch)} -> {letters}: {reason}")
        orders[ch] = letters
    unknown_letters = set(legend) - set(LETTERS)
    if unknown_letters:
        print(
            f"cnchar-order uses letters not mapped here: {sorted(unknown_letters)}", file=sys.stderr
        )
        return 1
    for letter, info in legend.items():
        print(f"  {letter}: {info['name']:<12} -> class {LETTERS[letter][0]}", file=sys.stderr)

    structures, rad_version = _cnchar_structures(
        args.cnchar_radical or args.cnchar.parent / "cnchar-radical"
    )
    total = _unihan_field(args.unihan, "Unihan_IRGSources.txt", "kTotalStrokes")
    simp = _unihan_field(args.unihan, "Unihan_Variants.txt", "kSimplifiedVariant")
    version = _unicode_version(args.unihan, "Unihan_IRGSources.txt")

    # kTotalStrokes may hold two values (zh-Hans first, then zh-Hant): use the first.
    counts = {ch: int(v.split()[0]) for ch, v in total.items()}

    seq_rows: list[str] = []
    mismatches: list[str] = []
    no_structure: list[str] = []
    for ch in sorted(orders, key=ord):
        letters = orders[ch]
        digits = "".join(str(LETTERS[x][0]) for x in letters)
        fine = "".join(LETTERS[x][1] for x in letters)
        if ch in counts and counts[ch] != len(letters):
            mismatches.append(
                f"{ch} U+{ord(ch):04X}: kTotalStrokes {counts[ch]}, "
                f"cnchar-order {len(letters)} strokes (used)"
            )
        if ch in structures:
            struct = str(STRUCTURES[structures[ch]][0])
        elif ch in STRUCTURE_SUPPLEMENT:
            struct = str(STRUCTURE_SUPPLEMENT[ch])
        else:
            struct = ""
            no_structure.append(ch)
        seq_rows.append(f"{ch}\t{len(letters)}\t{digits}\t{struct}\t{fine}")

    by_count: dict[int, list[str]] = defaultdict(list)
    for ch in sorted(counts, key=ord):
        if ch not in orders:
            by_count[counts[ch]].append(ch)

    # Traditional -> simplified: only for characters without their own stroke
    # sequence (於, 乾, 锺 … are standard characters in their own right and keep
    # their own strokes), and only where the character is not its own simplified
    # form.  Prefer a target that has a stroke sequence.
    t2s: dict[str, str] = {}
    for ch, value in simp.items():
        if ch in orders:
            continue
        targets = [chr(int(x[2:], 16)) for x in value.split()]
        if ch in targets:
            continue
        with_seq = [t for t in targets if t in orders]
        t2s[ch] = (with_seq or targets)[0]
    for ch, target in list(t2s.items()):  # one more step for chained variants
        if target not in orders and target in t2s:
            t2s[ch] = t2s[target]

    header = (
        f"""\
# huanjie stroke table for 按姓氏笔画排序. GENERATED by scripts/gen_stroke_table.py;
# do not edit by hand (use the caller's overrides for local corrections).
#
# Sources:
#  * Unihan database, Unicode {version}, field kTotalStrokes (first value, zh-Hans),
#    from the Debian package unicode-data (Unihan_IRGSources.txt).
#  * npm package cnchar-order {cn_version} (https://github.com/theajack/cnchar):
#    stroke order of {len(orders)} characters, folded to 横1 竖2 撇3 点4 折5
#    (提->横, 竖钩->竖, 捺->点, other hooks/turns->折).
#  * npm package cnchar-radical {rad_version} (same project): character structure,
#    classed 1 左右形 (左右, 左中右), 2 上下形 (上下, 上中下, 品字),
#    3 整体形 (独体, 半包围, 全包围); {len(STRUCTURE_SUPPLEMENT)} characters it omits were classed by hand.
# Licences:
{UNICODE_NOTICE}
#  cnchar-order and cnchar-radical data, MIT licence:
"""
        + "".join(f"#    {line}".rstrip() + "\n" for line in cn_licence.strip().splitlines())
        + f"""\
#
# Records (tab-separated):
#   <char> TAB <strokes> TAB <sequence 1-5> TAB <structure 1-3> TAB <sub-shape code>
#       character with a stroke sequence (cnchar-order); strokes = length of the
#       sequence.  Structure (empty if unknown) breaks ties of count and sequence.
#       The sub-shape code has one symbol per stroke and is compared only after
#       that (主笔形 before 附笔形: 横<提, 竖<竖钩, 点<捺; 折笔 in GF 2001 order,
#       approximate because cnchar-order merges some 折笔).
#   @<strokes> TAB <chars>
#       characters with a stroke count only (Unihan kTotalStrokes), no sequence.
# Corrections applied to cnchar-order ({len(errata_notes)}):
"""
        + "".join(f"#   {m}\n" for m in errata_notes)
        + f"""\
# Stroke-count disagreements between the sources ({len(mismatches)}):
"""
        + "".join(f"#   {m}\n" for m in mismatches)
    )

    lines = [header]
    lines.extend(row + "\n" for row in seq_rows)
    for n in sorted(by_count):
        chars = by_count[n]
        for i in range(0, len(chars), 100):
            lines.append(f"@{n}\t{''.join(chars[i : i + 100])}\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "strokes.tsv").write_text("".join(lines), encoding="utf-8")

    t2s_header = f"""\
# huanjie traditional -> simplified map for stroke ordering. GENERATED by
# scripts/gen_stroke_table.py; do not edit by hand.
# Source: Unihan database, Unicode {version}, field kSimplifiedVariant
# (Unihan_Variants.txt).  Only characters without a stroke sequence of their own
# are mapped (於, 乾, 锺 … keep their own strokes).
{UNICODE_NOTICE}
# Records: <traditional> TAB <simplified>
"""
    t2s_lines = [t2s_header]
    t2s_lines.extend(f"{k}\t{v}\n" for k, v in sorted(t2s.items(), key=lambda kv: ord(kv[0])))
    (args.out / "t2s.tsv").write_text("".join(t2s_lines), encoding="utf-8")

    n_count_only = sum(len(v) for v in by_count.values())
    if no_structure:
        print(f"no structure for {len(no_structure)}: {''.join(no_structure)}", file=sys.stderr)
    print(
        f"strokes.tsv: {len(seq_rows)} with sequence, {n_count_only} count only; "
        f"t2s.tsv: {len(t2s)} mappings; {len(mismatches)} count disagreements",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
