from django.urls import path

from huanjie.apps.results import views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:number>/decide", views.decide, name="decide"),
    path("rounds/<int:number>/next", views.next_round, name="next_round"),
    path("rounds/<int:number>/announce", views.announce, name="announce"),
    path("rounds/<int:number>/report.pdf", views.report_pdf, name="report_pdf"),
    path("certificates.pdf", views.certificates_pdf, name="certificates_pdf"),
    path("notice.pdf", views.notice_pdf, name="notice_pdf"),
]
