"""Forms of the proxy pages: they check what a browser can send; the core checks the law."""

from __future__ import annotations

from django import forms

from huanjie.core.rules import Profile

OTHER = "其他"


class DateInput(forms.DateInput):
    """An HTML date picker: its value must be ISO (zh-hans would render 2026/11/21)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def relation_choices(profile: Profile) -> list[tuple[str, str]]:
    relatives = list(profile.value("proxy")["relatives"])
    return [("", "请选择"), *((r, r) for r in relatives), (OTHER, "其他（非上列亲属）")]


class RegisterForm(forms.Form):
    principal = forms.CharField(
        label="委托人（身份证号或姓名）", max_length=50, help_text="须为本村选民名单上的选民"
    )
    proxy = forms.CharField(label="受委托人（身份证号或姓名）", max_length=50)
    relation = forms.ChoiceField(label="受委托人是委托人的", required=False)
    reason = forms.CharField(
        label="外出不能参加投票的情况", max_length=200, required=False, help_text="如：在外务工"
    )
    received_on = forms.DateField(label="收到书面委托日期", widget=DateInput)
    document_ref = forms.CharField(
        label="委托书编号或存档说明", max_length=200, required=False, help_text="可不填"
    )

    def __init__(self, *args: object, profile: Profile, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["relation"].choices = relation_choices(profile)  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)


class SearchForm(forms.Form):
    q = forms.CharField(label="查找选民（姓名或身份证号）", max_length=50, required=False)
