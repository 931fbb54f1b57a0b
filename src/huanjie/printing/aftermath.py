"""移交清单: the handover list of the outgoing and the new villagers' committee, with a line
for every signature (组织法 第二十条: presided over by the 村民选举委员会, supervised by the
township). Built on :func:`huanjie.printing.notices.notice`; plain data in, PDF bytes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from huanjie.printing._guard import Missing
from huanjie.printing._layout import cn_date
from huanjie.printing.notices import ORGANIC_LAW, Notice, Table, notice

LINE = "＿＿＿＿＿＿＿"


@dataclass(frozen=True, kw_only=True)
class HandoverLine:
    """One item of the list; the names and date are blank until it is signed off."""

    label: str  # 印章, 财务账目 …
    detail: str = ""  # 内容与数量
    due: date | None = None
    outgoing: str = ""  # 移交人
    incoming: str = ""  # 接收人
    supervisor: str = ""  # 监交人
    signed_on: date | None = None
    note: str = ""


def handover_list(
    *,
    election: str,
    committee: str,
    issuer: str,
    date: date,
    constituted_on: date,
    lines: Sequence[HandoverLine],
    deadline_note: str = "",
    basis: Sequence[str] = (f"{ORGANIC_LAW}第二十条",),
    title: str | None = None,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """移交清单: each item with its deadline and, once signed off, who handed it over, who
    received it, the supervisor and the date; then signature lines for the outgoing and the
    new committee, the supervisor (乡镇人民政府) and the election committee that presides.
    ``committee``: the new committee, e.g. 青山村第十二届村民委员会."""
    rows = [
        [
            str(i),
            line.label,
            line.detail,
            cn_date(line.due) if line.due else "",
            line.outgoing,
            line.incoming,
            line.supervisor,
            cn_date(line.signed_on) if line.signed_on else "",
            line.note,
        ]
        for i, line in enumerate(lines, start=1)
    ]
    body = [
        f"{committee}于{cn_date(constituted_on)}产生。根据{ORGANIC_LAW}第二十条的规定，"
        "上一届村民委员会向新一届村民委员会移交下列事项，由村民选举委员会主持，"
        "乡镇人民政府监督。每项移交后由移交人（上一届村民委员会）、接收人（新一届村民委员会）"
        "签字确认，监交人（乡镇人民政府）、主持人（村民选举委员会）在清单末尾签字。"
    ]
    if deadline_note:
        body.append(deadline_note)
    return notice(
        Notice(
            title=title or f"{election}工作移交清单",
            issuer=issuer,
            date=date,
            body=body,
            table=Table(
                header=[
                    "序号",
                    "移交事项",
                    "内容与数量",
                    "移交期限",
                    "移交人",
                    "接收人",
                    "监交人",
                    "交接日期",
                    "说明",
                ],
                rows=rows,
                widths=[0.55, 1.15, 2.1, 1.45, 0.95, 0.95, 0.95, 1.45, 1.3],
            ),
            closing=[
                f"移交人签字：{LINE}　接收人签字：{LINE}",
                f"监交人签字：{LINE}　主持人签字：{LINE}",
            ],
            basis=basis,
        ),
        missing=missing,
        out=out,
    )
