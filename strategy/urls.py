from django.urls import path

from strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_create, name="agenda_create"),
    path("meetings/<int:pk>/papers/new/", views.paper_create, name="paper_create"),
    path("meetings/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("meetings/<int:pk>/send-papers/", views.send_papers, name="send_papers"),
    path("meetings/<int:pk>/send-minutes/", views.send_minutes, name="send_minutes"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("papers/<int:pk>/", views.paper_download, name="paper_download"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("news/", views.news_list, name="news_list"),
    path("news/new/", views.news_create, name="news_create"),
    path("news/<int:pk>/edit/", views.news_edit, name="news_edit"),
    path("news/<int:pk>/to-agenda/", views.news_to_agenda, name="news_to_agenda"),
]
