from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.user_activity, name="user_activity"),
    path("export.csv", views.export, name="export"),
    path("people/<int:pk>/", views.person_log, name="person"),
]
