"""Forms of the results pages: they check what a browser can send; services check the law."""

from __future__ import annotations

from django import forms

from huanjie.apps.campaigns.forms import DateInput


class DecideForm(forms.Form):
    reason = forms.CharField(
        label="重新确定的理由（计票更正后）",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


class NextRoundForm(forms.Form):
    held_on = forms.DateField(label="投票日期", widget=DateInput)
