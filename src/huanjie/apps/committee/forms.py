"""Forms of the committee page: they check what a browser can send; services check the law."""

from __future__ import annotations

from django import forms

from huanjie.apps.committee.models import LeftReason, Role, SelectedBy
from huanjie.core.preparation import Kin


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(label="性别", choices=[("M", "男"), ("F", "女")])
    id_number = forms.CharField(label="公民身份号码（可不填）", max_length=20, required=False)
    selected_by = forms.ChoiceField(label="推选方式", choices=SelectedBy.choices)
    rank = forms.IntegerField(label="推选结果名次", min_value=1, max_value=999)
    votes = forms.IntegerField(label="得票数（可不填）", min_value=0, required=False)
    seated = forms.ChoiceField(
        label="身份",
        choices=[("serving", "成员（就任）"), ("reserve", "候补（按名次递补）")],
        initial="serving",
    )
    role = forms.ChoiceField(label="职务", choices=Role.choices, initial=Role.MEMBER)


class LeaveForm(forms.Form):
    reason = forms.ChoiceField(label="退出原因", choices=LeftReason.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="职务", choices=Role.choices)


class RelationForm(forms.Form):
    a_name = forms.CharField(label="甲方姓名", max_length=50)
    a_id_number = forms.CharField(label="甲方公民身份号码（可不填）", max_length=20, required=False)
    kind = forms.ChoiceField(label="乙方是甲方的", choices=[(k.value, k.label) for k in Kin])
    b_name = forms.CharField(label="乙方姓名", max_length=50)
    b_id_number = forms.CharField(label="乙方公民身份号码（可不填）", max_length=20, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)
