from django.urls import path

from huanjie.apps.ballots import views

app_name = "ballots"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:number>/sample.pdf", views.sample_pdf, name="sample_pdf"),
    path("rounds/<int:number>/sample.png", views.sample_png, name="sample_png"),
    path(
        "rounds/<int:number>/ballots-<int:first>-<int:last>.pdf",
        views.ballots_pdf,
        name="ballots_pdf",
    ),
]
