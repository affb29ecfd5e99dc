from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "banhao.audit"
    label = "audit"
    verbose_name = "审计"
