from django.urls import path

from accommodation.views import mars_house, placements, properties, referrals

app_name = "accommodation"

urlpatterns = [
    path("", properties.board, name="board"),
    path("providers/", properties.provider_list, name="provider_list"),
    path("providers/new/", properties.provider_form, name="provider_create"),
    path("providers/<int:pk>/", properties.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", properties.provider_form, name="provider_edit"),
    path("properties/", properties.property_list, name="property_list"),
    path("properties/new/", properties.property_form, name="property_create"),
    path("properties/<int:pk>/", properties.property_detail, name="property_detail"),
    path("properties/<int:pk>/edit/", properties.property_form, name="property_edit"),
    path("properties/<int:property_pk>/units/new/", properties.unit_form, name="unit_create"),
    path("units/<int:pk>/", properties.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", properties.unit_form, name="unit_edit"),
    path(
        "units/<int:unit_pk>/out-of-use/new/",
        properties.unavailability_form,
        name="unavailability_create",
    ),
    path("out-of-use/<int:pk>/edit/", properties.unavailability_form, name="unavailability_edit"),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("people/<int:client_pk>/refer/", referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/edit/", referrals.referral_edit, name="referral_edit"),
    path("referrals/<int:pk>/priority/", referrals.referral_prioritise, name="referral_prioritise"),
    path("referrals/<int:pk>/decide/", referrals.referral_decide, name="referral_decide"),
    path("referrals/<int:pk>/withdraw/", referrals.referral_withdraw, name="referral_withdraw"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/new/", placements.placement_create, name="placement_create"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/edit/", placements.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("placements/<int:pk>/move/", placements.placement_move, name="placement_move"),
    path("housing-first/", placements.housing_first, name="housing_first"),
    path("mars-house/", mars_house.overview, name="mars_house"),
    path("mars-house/referrals/", mars_house.referral_list, name="mars_house_referral_list"),
    path(
        "people/<int:client_pk>/mars-house/",
        mars_house.referral_create,
        name="mars_house_referral_create",
    ),
    path(
        "mars-house/referrals/<int:pk>/",
        mars_house.referral_detail,
        name="mars_house_referral_detail",
    ),
    path(
        "mars-house/referrals/<int:pk>/edit/",
        mars_house.referral_edit,
        name="mars_house_referral_edit",
    ),
    path("mars-house/referrals/<int:pk>/assess/", mars_house.assess, name="mars_house_assess"),
    path("mars-house/referrals/<int:pk>/decide/", mars_house.decide, name="mars_house_decide"),
    path("mars-house/referrals/<int:pk>/sign-up/", mars_house.sign_up, name="mars_house_sign_up"),
    path(
        "mars-house/referrals/<int:pk>/withdraw/", mars_house.withdraw, name="mars_house_withdraw"
    ),
    path("mars-house/voids/", mars_house.voids, name="voids"),
    path("mars-house/voids.csv", mars_house.voids_csv, name="voids_csv"),
    path("issues/", mars_house.issue_list, name="issue_list"),
    path("issues/new/", mars_house.issue_create, name="issue_create"),
    path("issues/<int:pk>/", mars_house.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", mars_house.issue_edit, name="issue_edit"),
]
