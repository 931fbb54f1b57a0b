from django.contrib.auth import views as auth_views
from django.urls import include, path

from huanjie.web import views
from huanjie.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("huanjie.apps.campaigns.urls")),
    path("elections/<int:election_id>/committee/", include("huanjie.apps.committee.urls")),
    path("elections/<int:election_id>/preparation/", include("huanjie.apps.preparation.urls")),
    path("elections/<int:election_id>/roll/", include("huanjie.apps.roll.urls")),
    path("elections/<int:election_id>/proxies/", include("huanjie.apps.proxies.urls")),
    path("elections/<int:election_id>/candidates/", include("huanjie.apps.candidates.urls")),
    path("elections/<int:election_id>/polling/", include("huanjie.apps.polling.urls")),
    path("elections/<int:election_id>/ballots/", include("huanjie.apps.ballots.urls")),
    path("elections/<int:election_id>/counting/", include("huanjie.apps.counting.urls")),
    path("elections/<int:election_id>/results/", include("huanjie.apps.results.urls")),
    path("elections/<int:election_id>/aftermath/", include("huanjie.apps.aftermath.urls")),
]
