"""Forms of the candidates pages: they check what a browser can send; services check the law.
The tally sheet itself is a grid of number inputs parsed in ``views.parse_sheet``."""

from __future__ import annotations

from django import forms

from huanjie.apps.campaigns.forms import DateInput
from huanjie.apps.candidates.models import Department, Finding, Notice
from huanjie.core.entry import ACTION_LABELS, COORDINATOR_ACTIONS, EntryAction


class NomineeForm(forms.Form):
    q = forms.CharField(
        label="姓名或公民身份号码",
        max_length=50,
        widget=forms.TextInput(
            attrs={"autofocus": True, "placeholder": "如：李明 或 18位身份证号"}
        ),
    )


class NomineeListForm(forms.Form):
    lines = forms.CharField(
        label="每行一人：姓名或公民身份号码",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 30}),
    )


class ResolveForm(forms.Form):
    action = forms.ChoiceField(
        label="处理",
        choices=[(a.value, ACTION_LABELS[a]) for a in EntryAction if a in COORDINATOR_ACTIONS],
    )
    reason = forms.CharField(label="理由", max_length=300, required=False)


class ReviewForm(forms.Form):
    department = forms.ChoiceField(label="审查部门", choices=Department.choices)
    finding = forms.ChoiceField(label="审查意见", choices=Finding.choices)
    reason = forms.CharField(label="理由（不合格的必填）", max_length=300, required=False)
    reviewed_on = forms.DateField(label="审查日期", widget=DateInput)


class WithdrawForm(forms.Form):
    written = forms.BooleanField(label="已收到本人签名的书面退出申请", required=False)
    reason = forms.CharField(label="退出理由", max_length=300, required=False)
    withdrawn_on = forms.DateField(label="申请日期", widget=DateInput)


class StatementForm(forms.Form):
    statement = forms.CharField(
        label="竞职陈述",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
    )
    pledge_signed = forms.BooleanField(label="已签订承诺书", required=False)
    pledge_date = forms.DateField(label="承诺书签订日期", required=False, widget=DateInput)


class DepartmentReviewForm(forms.Form):
    """A department's reply for every candidate; the findings are read per candidate
    (``finding_<pk>``, ``reason_<pk>``) in ``views.department_reviews``."""

    department = forms.ChoiceField(
        label="审查部门", choices=Department.choices, widget=forms.HiddenInput
    )
    reviewed_on = forms.DateField(label="审查日期", widget=DateInput)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="名单", choices=Notice.Kind.choices, widget=forms.HiddenInput)
    start = forms.DateField(label="公布日期", widget=DateInput)
    days = forms.IntegerField(label="公示天数", min_value=1, max_value=60)
    reason = forms.CharField(label="更正理由", max_length=300, required=False)
