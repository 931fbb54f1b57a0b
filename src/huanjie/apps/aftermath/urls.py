from django.urls import path

from huanjie.apps.aftermath import views

app_name = "aftermath"
urlpatterns = [
    path("", views.index, name="index"),
    path("handover/", views.handover, name="handover"),
    path("handover/date", views.handover_date, name="handover_date"),
    path("handover/items", views.handover_item_add, name="handover_item_add"),
    path("handover/items/<int:pk>/sign", views.handover_item_sign, name="handover_item_sign"),
    path("handover/items/<int:pk>/unsign", views.handover_item_unsign, name="handover_item_unsign"),
    path("handover/items/<int:pk>/remove", views.handover_item_remove, name="handover_item_remove"),
    path("handover.pdf", views.handover_pdf, name="handover_pdf"),
    path("representatives/", views.representatives, name="representatives"),
    path("representatives/assembly", views.assembly, name="assembly"),
    path(
        "representatives/<int:pk>/remove",
        views.representative_remove,
        name="representative_remove",
    ),
    path("group-leaders", views.leader_add, name="leader_add"),
    path("group-leaders/<int:pk>/remove", views.leader_remove, name="leader_remove"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<int:pk>/remove", views.supervisor_remove, name="supervisor_remove"),
    path("recalls/", views.recalls, name="recalls"),
    path("recalls/<int:pk>/", views.recall, name="recall"),
    path("recalls/<int:pk>/reply", views.recall_reply, name="recall_reply"),
    path("recalls/<int:pk>/vote", views.recall_vote, name="recall_vote"),
    path("recalls/<int:pk>/resolve", views.recall_resolve, name="recall_resolve"),
    path("by-elections/", views.by_elections, name="by_elections"),
    path("by-elections/<int:pk>/", views.by_election, name="by_election"),
    path("by-elections/<int:pk>/vote", views.by_election_vote, name="by_election_vote"),
    path("by-elections/<int:pk>/resolve", views.by_election_resolve, name="by_election_resolve"),
    path("archive/", views.archive_page, name="archive"),
    path("archive/verify", views.archive_verify, name="archive_verify"),
    path("archive/<int:pk>.zip", views.archive_download, name="archive_download"),
    path("archive/<int:pk>/check", views.archive_check, name="archive_check"),
]
