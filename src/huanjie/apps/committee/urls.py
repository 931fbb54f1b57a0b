from django.urls import path

from huanjie.apps.committee import views

app_name = "committee"
urlpatterns = [
    path("", views.index, name="index"),
    path("members", views.member_add, name="member_add"),
    path("members/<int:member_id>/leave", views.member_leave, name="member_leave"),
    path("members/<int:member_id>/seat", views.member_seat, name="member_seat"),
    path("members/<int:member_id>/role", views.member_role, name="member_role"),
    path("notice.pdf", views.notice_pdf, name="notice"),
    path("relations", views.relation_declare, name="relation_declare"),
    path(
        "relations/<int:relation_id>/withdraw",
        views.relation_withdraw,
        name="relation_withdraw",
    ),
]
