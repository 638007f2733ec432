from django.urls import path

from clients import consent_views, views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/merge/", views.client_merge, name="merge"),
    path("<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("<int:pk>/support-plans/new/", views.support_plan_create, name="support_plan_create"),
    path("support-plans/<int:pk>/", views.support_plan_detail, name="support_plan_detail"),
    path("support-plans/<int:pk>/edit/", views.support_plan_edit, name="support_plan_edit"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral_edit"),
    path("<int:pk>/health-access/new/", views.health_access_create, name="health_access_create"),
    path("health-access/<int:pk>/", views.health_access_detail, name="health_access_detail"),
    path("health-access/<int:pk>/edit/", views.health_access_edit, name="health_access_edit"),
    path("<int:pk>/discharges/new/", views.discharge_create, name="discharge_create"),
    path("discharges/<int:pk>/", views.discharge_detail, name="discharge_detail"),
    path("discharges/<int:pk>/edit/", views.discharge_edit, name="discharge_edit"),
    path("discharges/<int:pk>/delete/", views.discharge_delete, name="discharge_delete"),
    path("nationalities-to-fix/", views.nationalities_to_fix_list, name="nationalities_to_fix"),
    path("<int:pk>/consent/new/", consent_views.consent_create, name="consent_create"),
    path("<int:pk>/consent/refused/", consent_views.consent_refuse, name="consent_refuse"),
    path("consents/<int:pk>/", consent_views.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/withdraw/", consent_views.consent_withdraw, name="consent_withdraw"),
    path("sharing-without-consent/", consent_views.sharing_list, name="sharing_list"),
    path("sharing-without-consent/<int:pk>/", consent_views.sharing_detail, name="sharing_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_form, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_form, name="agency_edit"),
]
