from django.urls import path

from outreach.views import app, phone, reports, rota, street, swep

app_name = "outreach"

urlpatterns = [
    path("", street.outreach_home, name="home"),
    # The installable app: its worker's scope is /outreach/, so it is served from here.
    path("sw.js", app.service_worker, name="service_worker"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("offline/", app.offline, name="offline"),
    path("sessions/", street.session_list, name="session_list"),
    path("sessions/today/", street.session_today, name="session_today"),
    path("sessions/start/", phone.session_start, name="session_start"),
    path("sessions/new/", street.session_form, name="session_create"),
    path("sessions/<int:pk>/", street.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", street.session_form, name="session_edit"),
    path("rota/", rota.rota, name="rota"),
    path("rota/<int:pk>/cover/", rota.rota_cover, name="rota_cover"),
    path("log/", phone.log, name="log"),
    path("contacts/new/", street.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", street.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", street.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/link/", street.contact_link, name="contact_link"),
    path("contacts/<int:pk>/new-person/", street.contact_new_person, name="contact_new_person"),
    path("sightings/", street.sighting_list, name="sighting_list"),
    path("seen/", street.seen_recently, name="seen_recently"),
    path("hotspots/", street.hotspot_list, name="hotspot_list"),
    path("hotspots/new/", street.hotspot_form, name="hotspot_create"),
    path("hotspots/<int:pk>/", street.hotspot_detail, name="hotspot_detail"),
    path("hotspots/<int:pk>/edit/", street.hotspot_form, name="hotspot_edit"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/new/", reports.report_form, name="report_create"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_form, name="report_edit"),
    path("reports/<int:pk>/attempt/", reports.report_attempt, name="report_attempt"),
    path("reports/<int:pk>/allocate/", reports.report_allocate, name="report_allocate"),
    path("reports/<int:pk>/not-found/", reports.report_not_found, name="report_not_found"),
    path("reports/<int:pk>/close/", reports.report_close, name="report_close"),
    path(
        "people/<int:pk>/interventions/new/",
        reports.intervention_create,
        name="intervention_create",
    ),
    path("interventions/<int:pk>/", reports.intervention_detail, name="intervention_detail"),
    path("interventions/<int:pk>/edit/", reports.intervention_edit, name="intervention_edit"),
    path("swep/", swep.swep_list, name="swep_list"),
    path("swep/new/", swep.swep_form, name="swep_create"),
    path("swep/<int:pk>/", swep.swep_detail, name="swep_detail"),
    path("swep/<int:pk>/edit/", swep.swep_form, name="swep_edit"),
    path("swep/<int:pk>/stand-down/", swep.swep_stand_down, name="swep_stand_down"),
    path("swep/<int:pk>/offers/new/", swep.swep_offer_create, name="swep_offer_create"),
    path("swep/offers/<int:pk>/", swep.swep_offer_detail, name="swep_offer_detail"),
    path("swep/offers/<int:pk>/edit/", swep.swep_offer_edit, name="swep_offer_edit"),
    path("counts/", swep.count_list, name="count_list"),
    path("counts/new/", swep.count_form, name="count_create"),
    path("counts/<int:pk>/", swep.count_detail, name="count_detail"),
    path("counts/<int:pk>/edit/", swep.count_form, name="count_edit"),
    path("counts/<int:pk>/snapshot.csv", swep.count_csv, name="count_csv"),
    path(
        "counts/people/<int:pk>/remove/", swep.counted_person_remove, name="counted_person_remove"
    ),
]
