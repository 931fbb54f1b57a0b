from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "huanjie.apps.results"
    label = "results"
    verbose_name = "选举结果"

    def ready(self) -> None:
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.apps.results.selectors import election_blockers  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        register_blocker(Stage.ELECTION, election_blockers)
