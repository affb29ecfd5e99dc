from django.urls import path

from banhao.privacy.web.views import reveal

app_name = "privacy"
urlpatterns = [
    path("reveal/<str:number>/<str:field>/", reveal, name="reveal"),
]
