from django.apps import AppConfig


class PollingConfig(AppConfig):
    name = "huanjie.apps.polling"
    label = "polling"
    verbose_name = "投票"
