"""Forms of 选后工作: they check what a browser can send; services and the core check the law."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.apps.aftermath.models import Mode, Route, SupervisorRole
from huanjie.core.aftermath import BODY_LABELS, RECALL_KEYS, RECALL_LABELS, Body
from huanjie.core.entry import ACTION_LABELS, EntryAction

BODIES = [(b.value, BODY_LABELS[b]) for b in Body]


class DateInput(forms.DateInput):
    """An HTML date picker: its value must be ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StartForm(forms.Form):
    constituted_on = forms.DateField(
        label="新一届村民委员会产生日期",
        widget=DateInput,
        required=False,
        help_text="不填则按选举结果（最后一名成员当选的投票日）",
    )
    basis = forms.CharField(label="依据", max_length=300, required=False)


class DateForm(forms.Form):
    constituted_on = forms.DateField(label="新一届村民委员会产生日期", widget=DateInput)
    basis = forms.CharField(label="更正理由", max_length=300)


class ItemForm(forms.Form):
    label = forms.CharField(label="移交事项", max_length=60)
    detail = forms.CharField(label="内容与数量", max_length=300, required=False)


class SignForm(forms.Form):
    outgoing_name = forms.CharField(label="移交人（上届）", max_length=50)
    incoming_name = forms.CharField(label="接收人（新一届）", max_length=50)
    supervisor_name = forms.CharField(label="监交人（乡镇）", max_length=50, required=False)
    signed_at = forms.DateTimeField(
        label="交接时间", widget=DateTimeInput, required=False, help_text="不填为现在"
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)


class AssemblyForm(forms.Form):
    mode = forms.ChoiceField(label="推选方式", choices=Mode.choices)
    households = forms.IntegerField(
        label="本村户数", min_value=0, required=False, help_text="不填则按选民名单的户号计"
    )
    committee_members = forms.IntegerField(
        label="参加会议的村民委员会成员",
        min_value=0,
        max_value=7,
        required=False,
        help_text="不填则为现任成员人数",
    )


class RepresentativeForm(forms.Form):
    person = forms.CharField(label="村民代表（身份证号或姓名）", max_length=50)
    chosen_on = forms.DateField(label="推选日期", widget=DateInput)
    households = forms.IntegerField(
        label="推选户数", min_value=0, required=False, help_text="按户推选时填写（5–15 户）"
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class LeaderForm(forms.Form):
    group = forms.ChoiceField(label="村民小组")
    person = forms.CharField(label="组长（身份证号或姓名）", max_length=50)
    by_households = forms.TypedChoiceField(
        label="会议组成",
        choices=[("0", "本小组十八周岁以上的村民"), ("1", "本小组户的代表")],
        coerce=lambda v: v == "1",
        initial="0",
    )
    eligible = forms.IntegerField(label="应到人数", min_value=0)
    present = forms.IntegerField(label="到会人数", min_value=0)
    votes = forms.IntegerField(label="同意票数", min_value=0)
    chosen_on = forms.DateField(label="推选日期", widget=DateInput)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, groups: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "请选择"), *groups]  # type: ignore[attr-defined]


class SupervisorForm(forms.Form):
    person = forms.CharField(label="成员（身份证号或姓名）", max_length=50)
    role = forms.ChoiceField(label="职务", choices=SupervisorRole.choices, initial="member")
    finance = forms.BooleanField(label="具备财会、管理知识", required=False)
    chosen_by = forms.ChoiceField(label="推选会议", choices=BODIES)
    chosen_on = forms.DateField(label="推选日期", widget=DateInput)
    note = forms.CharField(label="说明", max_length=300, required=False)


class RecallForm(forms.Form):
    member = forms.ChoiceField(label="被提出罢免的成员")
    route = forms.ChoiceField(label="联名方式", choices=Route.choices)
    signatures = forms.IntegerField(label="联名人数", min_value=0)
    representatives_total = forms.IntegerField(
        label="村民代表总数",
        min_value=0,
        required=False,
        help_text="代表联名时填写；不填则按已登记的村民代表人数",
    )
    grounds = forms.CharField(
        label="罢免理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    filed_on = forms.DateField(label="提出日期", widget=DateInput)

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "请选择"), *members]  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="申辩意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    reply_on = forms.DateField(label="申辩日期", widget=DateInput)


class RecallVoteForm(forms.Form):
    vote_on = forms.DateField(label="表决日期", widget=DateInput, required=False)
    acknowledged = forms.BooleanField(label="已核对提示", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in RECALL_KEYS:
            self.fields[key] = forms.IntegerField(label=RECALL_LABELS[key], min_value=0)
        self.order_fields(["vote_on", *RECALL_KEYS, "acknowledged"])


class ResolveForm(forms.Form):
    action = forms.ChoiceField(
        label="处理",
        choices=[
            (a.value, ACTION_LABELS[a])
            for a in (
                EntryAction.KEEP_FIRST,
                EntryAction.KEEP_SECOND,
                EntryAction.DISCARD_BOTH,
                EntryAction.DISCARD_FIRST,
                EntryAction.REOPEN,
            )
        ],
    )
    reason = forms.CharField(label="理由", max_length=300, required=False)


class ByElectionForm(forms.Form):
    post_kind = forms.ChoiceField(label="职务")
    seats = forms.IntegerField(label="补选名额", min_value=1, initial=1)
    vacancy = forms.CharField(label="出缺情况", max_length=300)
    body = forms.ChoiceField(label="补选会议", choices=BODIES)
    members = forms.IntegerField(
        label="会议组成人员",
        min_value=0,
        required=False,
        help_text="不填则按登记选民或村民代表会议人数",
    )
    held_on = forms.DateField(label="补选日期", widget=DateInput)
    candidates = forms.CharField(
        label="候选人（每行一人，身份证号或姓名）", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, posts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post_kind"].choices = posts  # type: ignore[attr-defined]


class ByElectionVoteForm(forms.Form):
    acknowledged = forms.BooleanField(label="已核对提示", required=False)

    def __init__(self, *args: Any, candidates: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"] = forms.IntegerField(
            label="参加投票人数（收回票数）", min_value=0
        )
        self.fields["invalid"] = forms.IntegerField(label="无效票", min_value=0, initial=0)
        for name in candidates:
            self.fields[f"votes:{name}"] = forms.IntegerField(label=f"{name} 得票", min_value=0)
        self.order_fields([*(k for k in self.fields if k != "acknowledged"), "acknowledged"])


class VerifyForm(forms.Form):
    package = forms.FileField(label="档案包（ZIP）")
