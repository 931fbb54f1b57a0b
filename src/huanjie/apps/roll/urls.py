from django.urls import path

from huanjie.apps.roll import views

app_name = "roll"
urlpatterns = [
    path("", views.index, name="index"),
    path("import", views.import_start, name="import"),
    path("imports/<int:batch_id>/", views.batch_detail, name="batch"),
    path("imports/<int:batch_id>/status", views.batch_status, name="batch_status"),
    path("imports/<int:batch_id>/errors.csv", views.batch_errors_csv, name="batch_errors"),
    path("voters/", views.voter_list, name="voters"),
    path("voters/add", views.voter_add, name="voter_add"),
    path("voters/<int:voter_id>/", views.voter_detail, name="voter"),
    path("registers/<str:kind>/", views.registers, name="register"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:case_id>/resolve", views.duplicate_resolve, name="resolve"),
    path("list/", views.publication, name="publication"),
    path("list/voter-list.pdf", views.voter_list_pdf, name="list_pdf"),
    path("objections/", views.objections, name="objections"),
    path("objections/<int:objection_id>/", views.objection_detail, name="objection"),
    path("objections/decisions.pdf", views.objection_notice_pdf, name="objection_pdf"),
    path("cards/", views.cards, name="cards"),
    path("cards/assign", views.cards_assign, name="cards_assign"),
    path("cards/print", views.cards_print, name="cards_print"),
    path("cards/jobs/<int:job_id>.pdf", views.print_job_pdf, name="print_job"),
]
