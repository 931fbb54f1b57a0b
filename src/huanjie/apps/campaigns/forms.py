"""Forms of the plan pages: they check what a browser can send; services check the law."""

from __future__ import annotations

from django import forms

from huanjie.core.rules import bundled_ids, load_profile


def profile_choices(prefix: str = "") -> list[tuple[str, str]]:
    return [
        (pid, f"{load_profile(pid).title}（{pid}）")
        for pid in bundled_ids()
        if pid.startswith(prefix)
    ]


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the interface language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    area = forms.ChoiceField(label="换届区域")
    term = forms.IntegerField(label="届次", min_value=1, max_value=99)
    default_profile = forms.ChoiceField(label="默认选举规则")
    default_election_day = forms.DateField(label="统一选举日", required=False, widget=DateInput)

    def __init__(self, *args: object, areas: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = areas  # type: ignore[attr-defined]
        self.fields["default_profile"].choices = profile_choices()  # type: ignore[attr-defined]


class ElectionForm(forms.Form):
    area = forms.ChoiceField(label="村（社区）")
    profile_id = forms.ChoiceField(label="选举规则")
    election_day = forms.DateField(label="选举日", widget=DateInput)
    members = forms.IntegerField(label="委员会成员职数", min_value=1, max_value=15, initial=5)
    vice_chairs = forms.IntegerField(label="副主任名额", min_value=0, max_value=3, initial=1)
    minority_required = forms.BooleanField(label="应有少数民族成员", required=False)
    place = forms.CharField(label="投票地点", max_length=200, required=False)

    def __init__(self, *args: object, areas: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = areas  # type: ignore[attr-defined]
        self.fields["profile_id"].choices = profile_choices()  # type: ignore[attr-defined]


class ElectionDayForm(forms.Form):
    election_day = forms.DateField(label="选举日", widget=DateInput)


class StageForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, required=False)
