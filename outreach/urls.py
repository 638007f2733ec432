from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.outreach_home, name="home"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/today/", views.session_today, name="session_today"),
    path("sessions/new/", views.session_form, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_form, name="session_edit"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/link/", views.contact_link, name="contact_link"),
    path("contacts/<int:pk>/new-person/", views.contact_new_person, name="contact_new_person"),
    path("sightings/", views.sighting_list, name="sighting_list"),
    path("seen/", views.seen_recently, name="seen_recently"),
    path("hotspots/", views.hotspot_list, name="hotspot_list"),
    path("hotspots/new/", views.hotspot_form, name="hotspot_create"),
    path("hotspots/<int:pk>/", views.hotspot_detail, name="hotspot_detail"),
    path("hotspots/<int:pk>/edit/", views.hotspot_form, name="hotspot_edit"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_form, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_form, name="report_edit"),
    path("reports/<int:pk>/attempt/", views.report_attempt, name="report_attempt"),
    path("reports/<int:pk>/allocate/", views.report_allocate, name="report_allocate"),
    path("reports/<int:pk>/not-found/", views.report_not_found, name="report_not_found"),
    path("reports/<int:pk>/close/", views.report_close, name="report_close"),
    path(
        "people/<int:pk>/interventions/new/", views.intervention_create, name="intervention_create"
    ),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention_detail"),
    path("interventions/<int:pk>/edit/", views.intervention_edit, name="intervention_edit"),
    path("swep/", views.swep_list, name="swep_list"),
    path("swep/new/", views.swep_form, name="swep_create"),
    path("swep/<int:pk>/", views.swep_detail, name="swep_detail"),
    path("swep/<int:pk>/edit/", views.swep_form, name="swep_edit"),
    path("swep/<int:pk>/stand-down/", views.swep_stand_down, name="swep_stand_down"),
    path("swep/<int:pk>/offers/new/", views.swep_offer_create, name="swep_offer_create"),
    path("swep/offers/<int:pk>/", views.swep_offer_detail, name="swep_offer_detail"),
    path("swep/offers/<int:pk>/edit/", views.swep_offer_edit, name="swep_offer_edit"),
    path("counts/", views.count_list, name="count_list"),
    path("counts/new/", views.count_form, name="count_create"),
    path("counts/<int:pk>/", views.count_detail, name="count_detail"),
    path("counts/<int:pk>/edit/", views.count_form, name="count_edit"),
    path("counts/<int:pk>/snapshot.csv", views.count_csv, name="count_csv"),
    path(
        "counts/people/<int:pk>/remove/", views.counted_person_remove, name="counted_person_remove"
    ),
]
