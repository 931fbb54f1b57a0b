from django.apps import AppConfig


class ProxiesConfig(AppConfig):
    name = "huanjie.apps.proxies"
    label = "proxies"
    verbose_name = "委托投票"

    def ready(self) -> None:
        from huanjie.apps.campaigns.services import register_blocker  # noqa: PLC0415
        from huanjie.apps.proxies.selectors import blockers  # noqa: PLC0415
        from huanjie.core.stages import Stage  # noqa: PLC0415

        register_blocker(Stage.PROXIES, blockers)
