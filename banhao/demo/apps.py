from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: one command that asks every context to load its own demo set."""

    name = "banhao.demo"
    label = "demo"
    verbose_name = "演示数据"
