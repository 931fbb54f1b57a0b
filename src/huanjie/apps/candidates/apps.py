from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "huanjie.apps.candidates"
    label = "candidates"
    verbose_name = "候选人"

    def ready(self) -> None:
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.apps.candidates.selectors import nomination_blockers  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        register_blocker(Stage.NOMINATION, nomination_blockers)
