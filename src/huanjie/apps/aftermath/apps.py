from django.apps import AppConfig


class AftermathConfig(AppConfig):
    name = "huanjie.apps.aftermath"
    label = "aftermath"
    verbose_name = "选后工作"

    def ready(self) -> None:
        from huanjie.apps.aftermath.selectors import actual_dates, blockers  # noqa: PLC0415
        from huanjie.apps.campaigns.selectors import register_actual_dates  # noqa: PLC0415
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        register_blocker(Stage.HANDOVER, blockers)
        register_actual_dates(actual_dates)
