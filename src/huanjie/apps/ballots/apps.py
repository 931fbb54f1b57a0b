from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "huanjie.apps.ballots"
    label = "ballots"
    verbose_name = "选票"

    def ready(self) -> None:
        from huanjie.apps.ballots.selectors import election_blockers  # noqa: PLC0415
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        register_blocker(Stage.ELECTION, election_blockers)
