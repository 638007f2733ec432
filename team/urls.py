from django.urls import path

from team import views

app_name = "team"

urlpatterns = [
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_create, name="supervision_create"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/edit/", views.supervision_edit, name="supervision_edit"),
    path("workers/<int:pk>/supervision/", views.worker_supervisions, name="worker_supervisions"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("caseloads/", views.caseloads, name="caseloads"),
]
