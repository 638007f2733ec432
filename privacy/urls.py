from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("retention/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("retention/people/<int:pk>/hold/", views.hold_create, name="hold_create"),
    path("retention/people/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
    path("retention/holds/<int:pk>/", views.hold_detail, name="hold_detail"),
    path("retention/holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("what-we-hold/", views.register, name="register"),
    path("what-we-hold.json", views.register_json, name="register_json"),
    path("what-we-hold.csv", views.register_csv, name="register_csv"),
]
