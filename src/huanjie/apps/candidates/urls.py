from django.urls import path

from huanjie.apps.candidates import views

app_name = "candidates"
urlpatterns = [
    path("", views.index, name="index"),
    path("nominees/", views.nominees, name="nominees"),
    path("nominees/<int:pk>/remove", views.nominee_remove, name="nominee_remove"),
    path("rounds/start", views.round_start, name="round_start"),
    path("rounds/<int:number>/", views.tally, name="tally"),
    path("rounds/<int:number>/resolve", views.tally_resolve, name="tally_resolve"),
    path("reviews", views.department_reviews, name="reviews"),
    path("<int:pk>/", views.candidate, name="candidate"),
    path("notices/<int:pk>.pdf", views.notice_pdf, name="notice_pdf"),
]
