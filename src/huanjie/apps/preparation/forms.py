"""Forms of the preparation page: they check what a browser can send; services check the rest."""

from __future__ import annotations

from django import forms

from huanjie.apps.campaigns.models import Post
from huanjie.apps.preparation.models import RiskLevel
from huanjie.core.preparation import BASE_LABELS


class DateInput(forms.DateInput):
    """A browser date picker; the value must be ISO (YYYY-MM-DD) for it to show."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class SettingForm(forms.Form):
    evaluation_required = forms.BooleanField(label="本届须开展民主测评", required=False)
    evaluation_percent = forms.IntegerField(
        label="民主测评不满意率标准（%）", min_value=1, max_value=100
    )
    evaluation_inclusive = forms.TypedChoiceField(
        label="达到标准时",
        choices=[("1", "达到（含本数，≥）即不得再提名"), ("0", "超过（不含本数，>）才不得再提名")],
        coerce=lambda v: v == "1",
    )
    evaluation_base = forms.ChoiceField(label="计算基数", choices=list(BASE_LABELS.items()))
    pass_mark = forms.IntegerField(label="培训考试合格分数（≥ 即合格）", min_value=0, max_value=100)
    basis = forms.CharField(label="政策依据（文件名称及条款）", max_length=200, required=False)


class EvaluationForm(forms.Form):
    incumbent_name = forms.CharField(label="被测评人", max_length=50)
    post = forms.ChoiceField(label="现任职务", choices=Post.Kind.choices)
    issued = forms.IntegerField(label="发出测评票", min_value=0)
    returned = forms.IntegerField(label="收回测评票", min_value=0)
    satisfied = forms.IntegerField(label="满意", min_value=0)
    basically_satisfied = forms.IntegerField(label="基本满意", min_value=0)
    dissatisfied = forms.IntegerField(label="不满意", min_value=0)


class PublishForm(forms.Form):
    published_on = forms.DateField(label="公布日期", widget=DateInput)


class AuditForm(forms.Form):
    auditor = forms.CharField(label="审计单位", max_length=100)
    period_start = forms.DateField(label="审计期间起", widget=DateInput)
    period_end = forms.DateField(label="审计期间止", widget=DateInput)
    result = forms.CharField(
        label="审计结果", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label="发现的问题",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RiskForm(forms.Form):
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    notes = forms.CharField(
        label="研判说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionForm(forms.Form):
    title = forms.CharField(label="培训名称", max_length=100)
    held_on = forms.DateField(label="培训日期", widget=DateInput)
    trainer = forms.CharField(label="授课人/单位", max_length=100, required=False)


class ScoreForm(forms.Form):
    session = forms.ChoiceField(label="培训")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码（可不填）", max_length=20, required=False)
    score = forms.IntegerField(label="成绩（0–100）", min_value=0, max_value=100)

    def __init__(self, *args: object, sessions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["session"].choices = sessions  # type: ignore[attr-defined]
