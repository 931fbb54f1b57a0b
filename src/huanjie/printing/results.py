"""The forms of an election's result, built from plain data into PDF bytes.

- :func:`result_report` 选举结果报告单: every figure of one round (registered voters, voters,
  ballots issued and collected, valid, invalid and blank; per box), each post with its seats,
  the threshold and its formula, the votes of every candidate and write-in and who is elected,
  each decision with its article, and signature lines for the counting staff and the
  committee chair;
- :func:`certificates` 当选证书: one page per person elected, with the post, the term, the
  issuing body, a seal area and the article it rests on;
- :func:`election_result_notice` 选举结果公告: the public announcement (no ID numbers, no
  addresses: the guard refuses a full ID number anywhere).

Builders never see the ORM (import contract) and keep the order they are given; what is
decided (thresholds, who is elected) is decided by the core and only printed here. Every
text passes the guard of ``_guard.py`` before anything is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from huanjie.printing._fonts import register_font, text_width
from huanjie.printing._guard import Guard, Missing
from huanjie.printing._layout import (
    A4_H,
    A4_W,
    GREY,
    MM,
    RED,
    cn_date,
    draw_text,
    fit_always,
    rendering,
    wrap,
)
from huanjie.printing.notices import Heading, Notice, Table, notice

__all__ = [
    "BoxFigures",
    "CandidateVotes",
    "Certificate",
    "CertificateBatch",
    "Decision",
    "ElectedMember",
    "PostResult",
    "ResultReport",
    "certificates",
    "election_result_notice",
    "result_report",
]


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CandidateVotes:
    """One name voted for on one post: a candidate on the ballot or a write-in (另选他人)."""

    name: str
    votes: int
    result: str = ""  # 当选 / 未当选 / 重新投票 / 另行选举候选人 …
    elected: bool = False
    write_in: bool = False


@dataclass(frozen=True, kw_only=True)
class PostResult:
    """One post of a round: seats, threshold and everyone's votes, in order of votes."""

    name: str
    seats: int
    threshold: int | None  # the least number of votes that elects; None when not applicable
    rule: str  # how the threshold is reached, e.g. 得票须过半数：得票 × 2 > 52
    candidates: Sequence[CandidateVotes] = ()
    valid: int | None = None  # ballots valid / invalid / blank in this post's section
    invalid: int | None = None
    blank: int | None = None
    note: str = ""  # e.g. 尚缺 1 名，另行选举


@dataclass(frozen=True, kw_only=True)
class BoxFigures:
    """One ballot box: voters who cast a ballot in it, ballots issued for it, ballots found."""

    name: str
    collected: int
    voters: int | None = None
    issued: int | None = None


@dataclass(frozen=True, kw_only=True)
class Decision:
    """A decision of the round as the core gave it, with the article it rests on."""

    text: str
    article: str


@dataclass(frozen=True, kw_only=True)
class ResultReport:
    """选举结果报告单 of one round."""

    election: str  # 青山村第十二届村民委员会选举
    round_title: str  # 第1轮　正式选举
    held_on: date
    issuer: str  # 青山村村民选举委员会
    date: date  # date of the report
    electorate: int  # 登记选民数
    issued: int  # 发出选票
    collected: int  # 收回选票
    valid_ballots: int
    invalid_ballots: int
    blank_ballots: int | None
    valid: bool  # whether the vote is valid (选举有效)
    voters: int | None = None  # 投票人数 (signed in / handed a ballot)
    place: str = ""
    rules: str = ""  # the profile's title
    posts: Sequence[PostResult] = ()
    boxes: Sequence[BoxFigures] = ()
    decisions: Sequence[Decision] = ()
    chief_scrutineer: Sequence[str] = ()  # 总监票人
    scrutineers: Sequence[str] = ()  # 监票人
    counters: Sequence[str] = ()  # 计票人
    callers: Sequence[str] = ()  # 唱票人
    chair: str = ""  # 村民选举委员会主任
    chair_title: str = "村民选举委员会主任"
    check_code: str = ""  # e.g. the start of the SHA-256 of the stored input
    basis: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class Certificate:
    name: str
    post: str  # 主任, 副主任, 委员, 妇女委员
    serial: str = ""
    elected_on: date | None = None  # when elected in a later round than the batch's day


@dataclass(frozen=True, kw_only=True)
class CertificateBatch:
    """当选证书 of one election, issued by one body on one day."""

    body: str  # the committee elected: 青山村第十二届村民委员会
    election: str  # 青山村第十二届村民委员会选举
    elected_on: date
    term: str  # 任期五年
    issuer: str  # 青山村村民选举委员会
    issued: date
    basis: str = ""  # the article under the certificate
    certificates: Sequence[Certificate] = ()


@dataclass(frozen=True, kw_only=True)
class ElectedMember:
    """One member of the new committee for the public announcement (no ID, no address)."""

    post: str
    name: str
    votes: int | None = None
    sex: str = ""  # 男 / 女
    round: str = ""  # 第1轮 / 另行选举 (when the election took more than one round)


# --------------------------------------------------------------------------------------
# 选举结果报告单
# --------------------------------------------------------------------------------------

_MARGIN_X = 18 * MM
_MARGIN_TOP = 18 * MM
_MARGIN_BOTTOM = 20 * MM
_PAD = 6.0  # platypus frame padding
_AVAIL = A4_W - 2 * _MARGIN_X - 2 * _PAD
_CELL = 10.5


def _styles() -> dict[str, Any]:
    font = register_font()
    base = {"fontName": font, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle(
            "title", **base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=2
        ),
        "subtitle": ParagraphStyle(
            "subtitle", **base, fontSize=12.5, leading=18, alignment=TA_CENTER, spaceAfter=2
        ),
        "meta": ParagraphStyle(
            "meta", **base, fontSize=10, leading=14, alignment=TA_CENTER, spaceAfter=6
        ),
        "h": ParagraphStyle("h", **base, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=3),
        "post": ParagraphStyle("post", **base, fontSize=11, leading=15, spaceBefore=5),
        "body": ParagraphStyle("body", **base, fontSize=10.5, leading=15, spaceAfter=2),
        "small": ParagraphStyle(
            "small", **base, fontSize=9, leading=12, textColor=GREY, spaceAfter=2
        ),
        "cell": ParagraphStyle("cell", **base, fontSize=_CELL, leading=_CELL * 1.35),
        "cell_c": ParagraphStyle(
            "cell_c", **base, fontSize=_CELL, leading=_CELL * 1.35, alignment=TA_CENTER
        ),
        "sign": ParagraphStyle(
            "sign", **base, fontSize=12, leading=20, alignment=TA_RIGHT, rightIndent=12
        ),
    }


def _p(text: str, style: Any) -> Any:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _grid(
    rows: list[list[Any]],
    widths: list[float],
    *,
    head: bool = True,
    center: Sequence[int] = (),
    right: Sequence[int] = (),
) -> Any:
    t = RLTable(rows, colWidths=widths, repeatRows=1 if head else 0, hAlign="CENTER")
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), register_font(), _CELL, _CELL * 1.35),
        ("GRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if head:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), (0.9, 0.9, 0.9)),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ]
    first = 1 if head else 0
    style += [("ALIGN", (i, first), (i, -1), "CENTER") for i in center]
    style += [("ALIGN", (i, first), (i, -1), "RIGHT") for i in right]
    t.setStyle(TableStyle(style))
    return t


def _cells(texts: Sequence[str], widths: Sequence[float], style: Any) -> list[Any]:
    """Plain strings where they fit one line, wrapping paragraphs where they do not."""
    return [
        t if text_width(t, _CELL) <= w - 9 and "\n" not in t else _p(t, style)
        for t, w in zip(texts, widths, strict=True)
    ]


def _num(n: int | None) -> str:
    return "—" if n is None else str(n)


def _names(names: Sequence[str]) -> str:
    return "、".join(names)


def _checked_report(r: ResultReport, guard: Guard) -> ResultReport:
    def g(text: str, where: str) -> str:
        return guard(text, where)

    def gs(texts: Sequence[str], where: str) -> list[str]:
        return [guard(t, where) for t in texts]

    posts = [
        PostResult(
            name=g(p.name, "职务 "),
            seats=p.seats,
            threshold=p.threshold,
            rule=g(p.rule, f"{p.name}当选票数 "),
            candidates=[
                CandidateVotes(
                    name=g(c.name, f"{p.name}得票 "),
                    votes=c.votes,
                    result=g(c.result, f"{p.name}结果 "),
                    elected=c.elected,
                    write_in=c.write_in,
                )
                for c in p.candidates
            ],
            valid=p.valid,
            invalid=p.invalid,
            blank=p.blank,
            note=g(p.note, f"{p.name}说明 "),
        )
        for p in r.posts
    ]
    return ResultReport(
        election=g(r.election, "选举名称 "),
        round_title=g(r.round_title, "轮次 "),
        held_on=r.held_on,
        issuer=g(r.issuer, "落款 "),
        date=r.date,
        electorate=r.electorate,
        issued=r.issued,
        collected=r.collected,
        valid_ballots=r.valid_ballots,
        invalid_ballots=r.invalid_ballots,
        blank_ballots=r.blank_ballots,
        valid=r.valid,
        voters=r.voters,
        place=g(r.place, "地点 "),
        rules=g(r.rules, "规则 "),
        posts=posts,
        boxes=[
            BoxFigures(
                name=g(b.name, "票箱 "), collected=b.collected, voters=b.voters, issued=b.issued
            )
            for b in r.boxes
        ],
        decisions=[
            Decision(text=g(d.text, "决定 "), article=g(d.article, "依据 ")) for d in r.decisions
        ],
        chief_scrutineer=gs(r.chief_scrutineer, "总监票人 "),
        scrutineers=gs(r.scrutineers, "监票人 "),
        counters=gs(r.counters, "计票人 "),
        callers=gs(r.callers, "唱票人 "),
        chair=g(r.chair, "主任 "),
        chair_title=g(r.chair_title, "主任 "),
        check_code=g(r.check_code, "核对码 "),
        basis=gs(r.basis, "依据 "),
    )


def _report_story(r: ResultReport) -> list[Any]:
    s = _styles()
    story: list[Any] = [
        _p("选举结果报告单", s["title"]),
        _p(f"{r.election}　{r.round_title}", s["subtitle"]),
    ]
    meta = [f"投票日期：{cn_date(r.held_on)}"]
    if r.place:
        meta.append(f"地点：{r.place}")
    story.append(_p("　　".join(meta), s["meta"]))
    if r.rules:
        story.append(_p(f"适用规则：{r.rules}", s["meta"]))

    # 一、投票情况
    story.append(_p("一、投票情况", s["h"]))
    head = ["登记选民", "投票人数", "发出选票", "收回选票", "有效票", "无效票", "空白票"]
    values = [
        r.electorate,
        r.voters,
        r.issued,
        r.collected,
        r.valid_ballots,
        r.invalid_ballots,
        r.blank_ballots,
    ]
    w = [_AVAIL / len(head)] * len(head)
    story.append(_grid([list(head), [_num(v) for v in values]], w, center=range(len(head))))
    verdict = "本次投票有效。" if r.valid else "本次投票无效，应当重新投票。"
    story.append(Spacer(1, 3))
    story.append(_p(verdict, s["body"]))

    # 二、各票箱
    if r.boxes:
        story.append(_p("二、各票箱", s["h"]))
        bw = [_AVAIL * 0.4, _AVAIL * 0.2, _AVAIL * 0.2, _AVAIL * 0.2]
        rows: list[list[Any]] = [["票箱", "投票人数", "发出选票", "收回选票"]]
        for b in r.boxes:
            rows.append(
                _cells([b.name, _num(b.voters), _num(b.issued), str(b.collected)], bw, s["cell"])
            )
        total_voters = (
            sum(b.voters for b in r.boxes if b.voters is not None)
            if all(b.voters is not None for b in r.boxes)
            else None
        )
        total_issued = (
            sum(b.issued for b in r.boxes if b.issued is not None)
            if all(b.issued is not None for b in r.boxes)
            else None
        )
        rows.append(
            ["合计", _num(total_voters), _num(total_issued), str(sum(b.collected for b in r.boxes))]
        )
        story.append(_grid(rows, bw, center=(1, 2, 3)))

    # 三、得票情况
    number = "三" if r.boxes else "二"
    story.append(_p(f"{number}、各职务得票情况", s["h"]))
    for post in r.posts:
        section: list[Any] = [_p(f"{post.name}（应选 {post.seats} 名）", s["post"])]
        rule = post.rule
        if post.threshold is not None and str(post.threshold) not in rule:
            rule += f"，至少 {post.threshold} 票"
        if rule:
            section.append(_p(f"当选票数：{rule}", s["body"]))
        if post.valid is not None:
            section.append(
                _p(
                    f"本栏有效 {post.valid} 张，无效 {_num(post.invalid)} 张，"
                    f"空白（弃权） {_num(post.blank)} 张",
                    s["small"],
                )
            )
        pw = [_AVAIL * 0.1, _AVAIL * 0.38, _AVAIL * 0.17, _AVAIL * 0.35]
        rows = [["序号", "姓名", "得票数", "结果"]]
        for i, c in enumerate(post.candidates, start=1):
            name = c.name + ("（另选他人）" if c.write_in else "")
            result = c.result or ("当选" if c.elected else "未当选")
            rows.append(_cells([str(i), name, str(c.votes), result], pw, s["cell"]))
        if not post.candidates:
            rows.append(["", "（无人得票）", "", ""])
        table = _grid(rows, pw, center=(0, 2))
        table.setStyle(
            TableStyle(
                [("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
            )
        )
        elected_rows = [i for i, c in enumerate(post.candidates, start=1) if c.elected]
        if elected_rows:
            table.setStyle(
                TableStyle(
                    [("BACKGROUND", (0, i), (-1, i), (0.93, 0.97, 0.93)) for i in elected_rows]
                )
            )
        section.append(table)
        if post.note:
            section.append(_p(post.note, s["body"]))
        story.append(KeepTogether(section))

    # 四、决定及依据
    if r.decisions:
        number = "四" if r.boxes else "三"
        story.append(_p(f"{number}、依法作出的决定", s["h"]))
        dw = [_AVAIL * 0.07, _AVAIL * 0.55, _AVAIL * 0.38]
        rows = [["序号", "决定", "依据"]]
        for i, d in enumerate(r.decisions, start=1):
            rows.append(_cells([str(i), d.text, d.article], dw, s["cell"]))
        story.append(_grid(rows, dw, center=(0,)))

    # Signatures: the names printed when known, a line to sign beside each.
    number = "五" if r.boxes and r.decisions else "四" if r.boxes or r.decisions else "三"
    sign: list[Any] = [_p(f"{number}、签名", s["h"])]
    roles = [
        ("总监票人", r.chief_scrutineer, 1),
        ("监票人", r.scrutineers, 2),
        ("计票人", r.counters, 2),
        ("唱票人", r.callers, 1),
        (r.chair_title, [r.chair] if r.chair else [], 1),
    ]
    sw = [_AVAIL * 0.26, _AVAIL * 0.34, _AVAIL * 0.40]
    rows = [["职责", "姓名", "签名"]]
    spans: list[tuple[Any, ...]] = []
    for role, names, least in roles:
        shown = list(names) or [""] * least
        if len(shown) > 1:  # one role cell beside all its people
            spans.append(("SPAN", (0, len(rows)), (0, len(rows) + len(shown) - 1)))
        for k, name in enumerate(shown):
            rows.append(_cells([role if k == 0 else "", name, ""], sw, s["cell"]))
    t = _grid(rows, sw)
    t.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 1), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
                *spans,
            ]
        )
    )
    sign.append(t)
    if r.basis:
        sign.append(Spacer(1, 4))
        sign.append(_p("依据：" + "；".join(r.basis), s["small"]))
    sign += [
        Spacer(1, 14),
        _p(f"{r.issuer}（盖章）", s["sign"]),
        _p(cn_date(r.date), s["sign"]),
    ]
    story.append(KeepTogether(sign))
    return story


def result_report(
    r: ResultReport, *, missing: Missing = "raise", out: BinaryIO | None = None
) -> bytes:
    """选举结果报告单 on A4 portrait: figures, boxes, every post's votes, decisions with their
    articles and the signature lines; 第 N 页 共 M 页 and the check code on every page."""
    with rendering():
        guard = Guard(missing)
        checked = _checked_report(r, guard)
        guard.finish()
        font = register_font()

        def build(total: int | None) -> tuple[bytes, int]:
            pages = 0

            def on_page(c: Any, doc: Any) -> None:
                nonlocal pages
                pages = doc.page
                c.saveState()
                c.setFont(font, 9)
                if total is not None:
                    c.drawCentredString(A4_W / 2, 11 * MM, f"第 {doc.page} 页 共 {total} 页")
                if checked.check_code:
                    c.setFillColorRGB(*GREY)
                    c.drawRightString(A4_W - _MARGIN_X, 11 * MM, f"核对码 {checked.check_code}")
                c.restoreState()

            buf = io.BytesIO()
            doc = SimpleDocTemplate(
                buf,
                pagesize=(A4_W, A4_H),
                leftMargin=_MARGIN_X,
                rightMargin=_MARGIN_X,
                topMargin=_MARGIN_TOP,
                bottomMargin=_MARGIN_BOTTOM,
                title=f"{checked.election}选举结果报告单",
                creator="huanjie",
                author="",
                invariant=1,
                lang="zh-CN",
            )
            doc.build(_report_story(checked), onFirstPage=on_page, onLaterPages=on_page)
            return buf.getvalue(), pages

        _, count = build(None)
        data, _ = build(count)
        if out is not None:
            out.write(data)
        return data


# --------------------------------------------------------------------------------------
# 当选证书
# --------------------------------------------------------------------------------------

_CERT_W, _CERT_H = A4_H, A4_W  # landscape


def certificates(
    batch: CertificateBatch, *, missing: Missing = "raise", out: BinaryIO | None = None
) -> bytes:
    """当选证书: one A4 landscape page per person elected, in the order given.

    Each: a double border, 当选证书 in red, the serial, the text (name, date, election, post,
    term), 特发此证, the issuing body with a seal area (（盖章）) and the date, and the article
    under it.
    """
    with rendering():
        guard = Guard(missing)
        body = guard(batch.body, "委员会 ")
        election = guard(batch.election, "选举名称 ")
        term = guard(batch.term, "任期 ")
        issuer = guard(batch.issuer, "颁发单位 ")
        basis = guard(batch.basis, "依据 ")
        faces = [
            (
                guard(c.name, f"第{i}份证书 "),
                guard(c.post, f"第{i}份证书 "),
                guard(c.serial, f"第{i}份证书 "),
                c.elected_on or batch.elected_on,
            )
            for i, c in enumerate(batch.certificates, start=1)
        ]
        guard.finish()

        buf = io.BytesIO()
        c = Canvas(buf, pagesize=(_CERT_W, _CERT_H), invariant=1, pageCompression=1, lang="zh-CN")
        c.setTitle(f"{batch.election}当选证书")
        c.setCreator("huanjie")
        c.setAuthor("")
        for name, post, serial, elected_on in faces:
            _draw_certificate(
                c,
                name=name,
                post=post,
                serial=serial,
                body=body,
                election=election,
                elected_on=elected_on,
                term=term,
                issuer=issuer,
                issued=batch.issued,
                basis=basis,
            )
            c.showPage()
        if not faces:
            c.showPage()
        c.save()
        data = buf.getvalue()
        if out is not None:
            out.write(data)
        return data


def _draw_certificate(
    c: Any,
    *,
    name: str,
    post: str,
    serial: str,
    body: str,
    election: str,
    elected_on: date,
    term: str,
    issuer: str,
    issued: date,
    basis: str,
) -> None:
    c.saveState()
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(2.4)
    c.rect(12 * MM, 12 * MM, _CERT_W - 24 * MM, _CERT_H - 24 * MM)
    c.setLineWidth(0.8)
    c.rect(15 * MM, 15 * MM, _CERT_W - 30 * MM, _CERT_H - 30 * MM)
    c.restoreState()

    mid = _CERT_W / 2
    left = 42 * MM
    right = _CERT_W - 42 * MM
    width = right - left
    draw_text(
        c, mid, _CERT_H - 52 * MM, "当选证书", 40.0, align="center", bold=True, space=16, color=RED
    )
    if serial:
        label = f"编号：{serial}"
        draw_text(
            c,
            right,
            _CERT_H - 30 * MM,
            label,
            fit_always(label, 11.0, width / 2, 8.0),
            align="right",
        )

    size = 19.0
    y = _CERT_H - 78 * MM
    salutation = f"{name}同志："
    draw_text(c, left, y, salutation, fit_always(salutation, size, width, 12.0))
    text = f"在{cn_date(elected_on)}举行的{election}中，你当选为{body}{post}，{term}。"
    y -= size * 2.0
    indent = 2 * size
    lines = wrap(text, size, width - indent)
    if len(lines) > 1:  # the first line is indented two characters, the rest are not
        first = wrap(text, size, width - indent)[0]
        rest = wrap(text[len(first) :], size, width)
        lines = [first, *rest]
    for k, line in enumerate(lines):
        draw_text(c, left + (indent if k == 0 else 0), y, line, size)
        y -= size * 1.9
    draw_text(c, left + indent, y, "特发此证。", size)

    # Issuer and date at the bottom right; the seal goes over them (a dashed circle shows where).
    isize = fit_always(issuer, 17.0, width * 0.55, 11.0)
    draw_text(c, right, 58 * MM, issuer, isize, align="right")
    draw_text(c, right, 47 * MM, cn_date(issued), 17.0, align="right")
    seal_x = right - max(text_width(issuer, isize), text_width(cn_date(issued), 17.0)) / 2
    seal_y, seal_r = 54 * MM, 20 * MM
    c.saveState()
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    c.setLineWidth(0.6)
    c.setDash(3, 3)
    c.circle(seal_x, seal_y, seal_r)
    c.restoreState()
    draw_text(c, seal_x, seal_y + seal_r - 6 * MM, "（盖章）", 9.0, align="center", color=GREY)
    if basis:
        bsize = fit_always(basis, 9.0, width, 6.5)
        draw_text(c, left, 24 * MM, basis, bsize, color=GREY)


# --------------------------------------------------------------------------------------
# 选举结果公告
# --------------------------------------------------------------------------------------


def election_result_notice(
    *,
    election: str,
    body: str,
    issuer: str,
    date: date,
    summary: Sequence[str],
    members: Sequence[ElectedMember],
    closing: Sequence[str] = (),
    basis: Sequence[str] = (),
    title: str = "",
    doc_number: str = "",
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """选举结果公告: how the vote went (``summary`` paragraphs), the members elected (post, name,
    sex and votes when given; the round when more than one round elected members), what still
    follows (``closing``), the articles, the issuing body and the date. Nothing personal beyond
    the name and sex is printed; a full ID number anywhere is refused."""
    several_rounds = len({m.round for m in members if m.round}) > 1
    header = ["序号", "职务", "姓名"]
    with_sex = any(m.sex for m in members)
    with_votes = any(m.votes is not None for m in members)
    if with_sex:
        header.append("性别")
    if with_votes:
        header.append("得票数")
    if several_rounds:
        header.append("产生方式")
    rows = []
    for i, m in enumerate(members, start=1):
        row = [str(i), m.post, m.name]
        if with_sex:
            row.append(m.sex)
        if with_votes:
            row.append("" if m.votes is None else str(m.votes))
        if several_rounds:
            row.append(m.round)
        rows.append(row)
    align: list[Any] = ["center", "left", "left"]
    if with_sex:
        align.append("center")
    if with_votes:
        align.append("right")
    if several_rounds:
        align.append("left")
    blocks: list[Any] = list(summary)
    if members:
        blocks.append(Heading(f"{body}成员（{len(members)} 名）"))
        blocks.append(Table(header=header, rows=rows, align=align))
    else:
        blocks.append("本次选举没有产生当选人。")
    n = Notice(
        title=title or f"{election}结果公告",
        issuer=issuer,
        date=date,
        body=blocks,
        closing=list(closing),
        doc_number=doc_number,
        salutation="全体村民：" if "村民" in body else ("全体居民：" if "居民" in body else ""),
        basis=list(basis),
        red=True,
    )
    return notice(n, missing=missing, out=out)
