from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "banhao.privacy"
    label = "privacy"
    verbose_name = "个人信息保护"

    def ready(self) -> None:
        # Refuse to start with unusable keys (ImproperlyConfigured), not at the first save.
        from banhao.privacy.crypto import keyring

        keyring()
