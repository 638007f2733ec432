from django.urls import path

from funds.views import funds, hardship, requests

app_name = "funds"

urlpatterns = [
    path("", funds.fund_list, name="fund_list"),
    path("new/", funds.fund_create, name="fund_create"),
    path("<int:pk>/", funds.fund_detail, name="fund_detail"),
    path("<int:pk>/edit/", funds.fund_edit, name="fund_edit"),
    path("export/", funds.payment_export, name="export"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/property/new/", requests.property_request_create, name="property_request"),
    path("people/<int:client_pk>/requests/new/", requests.request_create, name="request_create"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/approve/", requests.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", requests.request_reject, name="request_reject"),
    path("requests/<int:pk>/cancel/", requests.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/pay/", requests.request_pay, name="request_pay"),
    path("requests/<int:pk>/receipts/new/", requests.receipt_create, name="receipt_create"),
    path("receipts/<int:pk>/", requests.receipt_download, name="receipt_download"),
    path(
        "people/<int:client_pk>/hardship/new/",
        hardship.assessment_create,
        name="assessment_create",
    ),
    path("hardship/<int:pk>/", hardship.assessment_detail, name="assessment_detail"),
]
