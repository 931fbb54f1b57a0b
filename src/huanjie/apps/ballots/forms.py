"""Forms of the ballots page: they check what a browser can send; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.apps.ballots.services import left_over_field


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (ISO whatever the interface language)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def lines(text: str) -> list[str]:
    """One item per line (or separated by 、，,；;)."""
    for sep in "、，,；;":
        text = text.replace(sep, "\n")
    return [x.strip() for x in text.splitlines() if x.strip()]


class SecuritySetForm(forms.Form):
    colours = forms.CharField(
        label="纸张颜色（每行一种）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 24}),
    )
    seals = forms.CharField(
        label="印章（每行一枚）",
        max_length=800,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 24}),
    )


class ChooseForm(forms.Form):
    reason = forms.CharField(label="重新抽取的理由", max_length=300, required=False)


class PrintRunForm(forms.Form):
    quantity = forms.IntegerField(label="印制张数", min_value=1)
    note = forms.CharField(label="备注", max_length=300, required=False)


class SpoiledForm(forms.Form):
    serial = forms.IntegerField(label="编号", min_value=1)
    sheet = forms.ChoiceField(label="选票", required=False)
    reason = forms.CharField(label="作废原因", max_length=200)

    def __init__(self, *args: Any, sheets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sheet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = sheets


class DestructionForm(forms.Form):
    witnesses = forms.CharField(
        label="监督销毁人（每行一人）",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 24}),
    )
    destroyed_at = forms.DateTimeField(label="销毁时间", widget=DateTimeInput())
    place = forms.CharField(label="销毁地点", max_length=200)

    def __init__(self, *args: Any, sheets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheets = sheets
        for sheet, label in sheets:
            self.fields[left_over_field(sheet)] = forms.IntegerField(
                label=f"剩余{label}张数", min_value=0
            )

    def left_over(self) -> dict[str, int]:
        return {sheet: self.cleaned_data[left_over_field(sheet)] for sheet, _ in self.sheets}

    def left_over_fields(self) -> list[forms.BoundField]:
        return [self[left_over_field(sheet)] for sheet, _ in self.sheets]
