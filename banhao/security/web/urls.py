from django.urls import path

from banhao.security.web import views

app_name = "security"
urlpatterns = [
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("reauth/", views.reauth, name="reauth"),
    path("account/", views.account, name="account"),
    path("account/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/<slug:action>/", views.user_action, name="user_action"),
    path("audit/", views.audit_log, name="audit_log"),
]
