"""Forms of the polling pages: they check what a browser can send; services check the law."""

from __future__ import annotations

from django import forms

from huanjie.apps.polling.models import Box, Staff


class StationForm(forms.Form):
    name = forms.CharField(label="投票站名称", max_length=60)
    place = forms.CharField(label="地点", max_length=200, required=False)


class BoxForm(forms.Form):
    name = forms.CharField(label="票箱名称", max_length=60)
    station = forms.TypedChoiceField(label="投票站", coerce=int, choices=())
    kind = forms.ChoiceField(label="类型", choices=Box.Kind.choices)

    def __init__(self, *args: object, stations: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["station"].choices = stations  # type: ignore[attr-defined]


class StaffForm(forms.Form):
    role = forms.ChoiceField(label="职责", choices=Staff.Role.choices)
    q = forms.CharField(
        label="选民姓名或公民身份号码（本村以外人员填姓名）",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "如：张伟甲"}),
    )
    id_number = forms.CharField(
        label="公民身份号码（非本村选民时填写）", max_length=18, required=False
    )
    username = forms.CharField(label="系统账号（可选，如总监票人）", max_length=150, required=False)
    station = forms.TypedChoiceField(label="投票站（可选）", coerce=int, required=False, choices=())

    def __init__(self, *args: object, stations: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["station"].choices = [("", "—"), *stations]  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    q = forms.CharField(label="选民姓名或公民身份号码", max_length=50)
    reason = forms.CharField(
        label="原因", max_length=100, widget=forms.TextInput(attrs={"placeholder": "如：卧病在床"})
    )
