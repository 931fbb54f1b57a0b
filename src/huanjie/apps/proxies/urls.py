from django.urls import path

from huanjie.apps.proxies import views

app_name = "proxies"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/revoke", views.revoke, name="revoke"),
    path("publish", views.publish, name="publish"),
    path("notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("certificates.pdf", views.certificates_pdf, name="certificates_pdf"),
]
