from django.apps import AppConfig


class AftermathConfig(AppConfig):
    name = "huanjie.apps.aftermath"
    label = "aftermath"
    verbose_name = "选后工作"
