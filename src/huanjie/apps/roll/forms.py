"""Forms of the registration pages (input shape only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from huanjie.apps.roll.models import Category, DuplicateCase, Objection, RemovalReason

YES_NO = [("", "未填写"), ("是", "是"), ("否", "否")]
# The browser's date picker needs ISO dates whatever the interface language.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several register files in one batch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    registers = MultipleFileField(
        label="户籍登记表文件",
        help_text="可一次选择多个文件；支持 xlsx、xls、ods、csv（UTF-8 或 GB18030 编码），每个工作表都会导入",
        error_messages={"required": "请选择要导入的文件"},
    )


class VoterForm(forms.Form):
    """One person added by hand (补充登记): the same columns as an imported register."""

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=30)
    sex = forms.ChoiceField(
        label="性别", required=False, choices=[("", "按身份证号"), ("男", "男"), ("女", "女")]
    )
    birth_date = forms.DateField(
        label="出生日期", required=False, widget=DATE, help_text="不填则取身份证号中的日期"
    )
    ethnicity = forms.CharField(label="民族", required=False, max_length=20)
    group = forms.CharField(label="村民小组", required=False, max_length=100)
    address = forms.CharField(label="住址", required=False, max_length=200)
    household_no = forms.CharField(label="户号", required=False, max_length=40)
    category = forms.ChoiceField(label="登记类别", choices=Category.choices)
    opted_in = forms.ChoiceField(
        label="本人表示参加选举",
        required=False,
        choices=YES_NO,
        help_text="第二类（户籍在本村不居住）须填写",
    )
    residence_since = forms.DateField(
        label="在本村居住起始日期",
        required=False,
        widget=DATE,
        help_text="第三类（户籍不在本村）须填写",
    )
    consent_ref = forms.CharField(
        label="村民会议（代表会议）同意文号",
        required=False,
        max_length=100,
        help_text="第三类须经同意",
    )
    away = forms.BooleanField(label="外出", required=False)
    away_contact = forms.CharField(label="外出联系方式", required=False, max_length=100)
    deprived = forms.BooleanField(label="被剥夺政治权利", required=False)
    suspended = forms.BooleanField(label="停止行使选举权利", required=False)
    note = forms.CharField(
        label="说明", required=False, max_length=200, help_text="如：新迁入、漏登补录"
    )

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "id_number": d["id_number"],
            "sex": d["sex"],
            "birth_date": d["birth_date"] or "",
            "ethnicity": d["ethnicity"],
            "group": d["group"],
            "address": d["address"],
            "household_no": d["household_no"],
            "category": d["category"],
            "opted_in": d["opted_in"],
            "residence_since": d["residence_since"] or "",
            "consent_ref": d["consent_ref"],
            "away": "是" if d["away"] else "",
            "away_contact": d["away_contact"],
            "deprived": "是" if d["deprived"] else "",
            "suspended": "是" if d["suspended"] else "",
        }


class RemoveForm(forms.Form):
    reason = forms.ChoiceField(
        label="除名原因",
        choices=[
            (RemovalReason.MOVED.value, RemovalReason.MOVED.label),
            (RemovalReason.DECEASED.value, RemovalReason.DECEASED.label),
            (RemovalReason.OTHER.value, RemovalReason.OTHER.label),
        ],
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=DuplicateCase.Outcome.choices)
    reason = forms.CharField(label="处理理由", max_length=300)


class PublishForm(forms.Form):
    published_on = forms.DateField(label="张榜公布日期", widget=DATE)


class ObjectionForm(forms.Form):
    filed_on = forms.DateField(label="收到申诉日期", widget=DATE)
    filed_by_name = forms.CharField(label="申诉人", max_length=50)
    contact = forms.CharField(label="联系方式", required=False, max_length=100)
    kind = forms.ChoiceField(label="申诉事项", choices=Objection.Kind.choices)
    voter = forms.CharField(
        label="所涉选民（错登、信息有误）",
        required=False,
        max_length=30,
        help_text="填写名单上该选民的公民身份号码",
    )
    subject_name = forms.CharField(
        label="要求登记的人员姓名（漏登）", required=False, max_length=50
    )
    subject_id_number = forms.CharField(
        label="要求登记的人员公民身份号码（漏登）", required=False, max_length=30
    )
    content = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=Objection.Outcome.choices)
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    reason = forms.CharField(label="处理理由", widget=forms.Textarea(attrs={"rows": 3}))
    # 漏登 upheld: how the person is registered.
    category = forms.ChoiceField(
        label="登记类别（漏登成立时）", required=False, choices=Category.choices
    )
    group = forms.CharField(label="村民小组（漏登成立或更正时）", required=False, max_length=100)
    opted_in = forms.ChoiceField(label="本人表示参加选举（第二类）", required=False, choices=YES_NO)
    residence_since = forms.DateField(
        label="在本村居住起始日期（第三类）", required=False, widget=DATE
    )
    consent_ref = forms.CharField(label="同意文号（第三类）", required=False, max_length=100)
    # 信息有误 upheld: the corrected values.
    name = forms.CharField(label="更正后的姓名", required=False, max_length=50)
    address = forms.CharField(label="更正后的住址", required=False, max_length=200)
    household_no = forms.CharField(label="更正后的户号", required=False, max_length=40)
    ethnicity = forms.CharField(label="更正后的民族", required=False, max_length=20)

    def person(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "category": d["category"],
            "group": d["group"],
            "opted_in": d["opted_in"],
            "residence_since": d["residence_since"] or "",
            "consent_ref": d["consent_ref"],
        }

    def corrections(self) -> dict[str, str]:
        d = self.cleaned_data
        return {k: d[k] for k in ("name", "group", "address", "household_no", "ethnicity") if d[k]}


class CardCheckForm(forms.Form):
    code = forms.CharField(label="选民证二维码内容", max_length=200)
