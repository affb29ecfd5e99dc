from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "banhao.security"
    label = "security"
    verbose_name = "安全"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from banhao.security.web.session import audit_logout, session_stamp_on_login

        user_logged_in.connect(session_stamp_on_login, dispatch_uid="banhao.security.login")
        user_logged_out.connect(audit_logout, dispatch_uid="banhao.security.logout")
