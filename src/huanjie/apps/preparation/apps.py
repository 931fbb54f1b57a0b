from django.apps import AppConfig


class PreparationConfig(AppConfig):
    name = "huanjie.apps.preparation"
    label = "preparation"
    verbose_name = "准备工作"

    def ready(self) -> None:
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.apps.preparation.selectors import preparation_blockers  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        # Audit recorded and published, evaluations entered and published, risk assessed.
        register_blocker(Stage.PREPARATION, preparation_blockers)
