from django.urls import path

from rights import views

app_name = "rights"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("people/<int:client_pk>/", views.person_requests, name="person_requests"),
    path("people/<int:client_pk>/access/new/", views.request_create, name="request_create"),
    path("people/<int:client_pk>/rights/new/", views.rights_create, name="rights_create"),
    path("access/<int:pk>/", views.request_detail, name="request_detail"),
    path("access/<int:pk>/identity/", views.request_identity, name="request_identity"),
    path("access/<int:pk>/extend/", views.request_extend, name="request_extend"),
    path("access/<int:pk>/complete/", views.request_complete, name="request_complete"),
    path("access/<int:pk>/close/", views.request_close, name="request_close"),
    path("access/<int:pk>/export/", views.request_export, name="request_export"),
    path("access/<int:pk>/pdf/", views.request_pdf, name="request_pdf"),
    path("other/<int:pk>/", views.rights_detail, name="rights_detail"),
    path("other/<int:pk>/decide/", views.rights_decide, name="rights_decide"),
]
