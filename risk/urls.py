from django.urls import path

from risk.views import assessments, lists, meetings, plans

app_name = "risk"

urlpatterns = [
    path("", lists.reviews, name="reviews"),
    path("plans/", lists.plan_list, name="plan_list"),
    path("meetings/", lists.meeting_list, name="meeting_list"),
    path("safeguarding/", lists.concern_list, name="concern_list"),
    path("my-actions/", lists.my_actions, name="my_actions"),
    path(
        "people/<int:client_pk>/assessments/new/",
        assessments.assessment_create,
        name="assessment_create",
    ),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", assessments.assessment_edit, name="assessment_edit"),
    path("people/<int:client_pk>/plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", plans.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", plans.plan_return, name="plan_return"),
    path("plan-actions/<int:pk>/done/", plans.plan_action_done, name="plan_action_done"),
    path("people/<int:client_pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("actions/<int:pk>/", meetings.action_update, name="action_update"),
    path(
        "people/<int:client_pk>/safeguarding/new/",
        meetings.concern_create,
        name="concern_create",
    ),
    path("safeguarding/<int:pk>/", meetings.concern_detail, name="concern_detail"),
    path("safeguarding/<int:pk>/edit/", meetings.concern_edit, name="concern_edit"),
]
