from django.urls import path

from staffing import views

app_name = "staffing"

urlpatterns = [
    path("", views.attendance, name="attendance"),
    path("absences/new/", views.absence_create, name="absence_create"),
    path("absences/<int:pk>/", views.absence_detail, name="absence_detail"),
    path("absences/<int:pk>/edit/", views.absence_edit, name="absence_edit"),
    path("covers/new/", views.cover_create, name="cover_create"),
    path("covers/<int:pk>/", views.cover_detail, name="cover_detail"),
    path("covers/<int:pk>/edit/", views.cover_edit, name="cover_edit"),
]
