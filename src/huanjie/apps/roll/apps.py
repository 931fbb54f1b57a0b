from django.apps import AppConfig


class RollConfig(AppConfig):
    name = "huanjie.apps.roll"
    label = "roll"
