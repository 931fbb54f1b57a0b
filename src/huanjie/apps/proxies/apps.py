from django.apps import AppConfig


class ProxiesConfig(AppConfig):
    name = "huanjie.apps.proxies"
    label = "proxies"
