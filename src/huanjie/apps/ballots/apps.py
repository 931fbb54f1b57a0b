from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "huanjie.apps.ballots"
    label = "ballots"
    verbose_name = "选票"
