from django.apps import AppConfig


class RollConfig(AppConfig):
    name = "huanjie.apps.roll"
    label = "roll"
    verbose_name = "选民登记"

    def ready(self) -> None:
        from huanjie.apps.campaigns.selectors import register_actual_dates  # noqa: PLC0415
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.apps.roll.selectors import (  # noqa: PLC0415
            actual_dates,
            blockers,
            voting_blockers,
        )
        from huanjie.core.stages import Stage  # noqa: PLC0415

        register_blocker(Stage.REGISTRATION, blockers)
        register_blocker(Stage.ELECTION, voting_blockers, on="open")
        register_actual_dates(actual_dates)
