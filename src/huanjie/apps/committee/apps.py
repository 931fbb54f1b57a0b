from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "huanjie.apps.committee"
    label = "committee"
