from django.urls import path

from huanjie.apps.preparation import views

app_name = "preparation"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings", views.setting_update, name="setting_update"),
    path("evaluations", views.evaluation_enter, name="evaluation_enter"),
    path("evaluations/publish", views.evaluation_publish, name="evaluation_publish"),
    path(
        "evaluations/<int:evaluation_id>/delete",
        views.evaluation_delete,
        name="evaluation_delete",
    ),
    path("evaluations/notice.pdf", views.evaluation_notice, name="evaluation_notice"),
    path("audit/notice.pdf", views.audit_notice, name="audit_notice"),
    path("audit", views.audit_record, name="audit_record"),
    path("audit/publish", views.audit_publish, name="audit_publish"),
    path("risk", views.risk_assess, name="risk_assess"),
    path("training", views.session_create, name="session_create"),
    path("training/scores", views.score_enter, name="score_enter"),
    path("staff/", views.staff_register, name="staff"),
    path("risks/", views.risk_overview, name="risks"),
]
