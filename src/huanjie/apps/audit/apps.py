from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "huanjie.apps.audit"
    verbose_name = "审计日志"
