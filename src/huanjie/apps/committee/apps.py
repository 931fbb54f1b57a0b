from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "huanjie.apps.committee"
    label = "committee"
    verbose_name = "村民选举委员会"

    def ready(self) -> None:
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.apps.committee.selectors import committee_blockers  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        # 规程 第一章 [S]: at least 3 members, no near relatives together, one 主任.
        register_blocker(Stage.PREPARATION, committee_blockers)
