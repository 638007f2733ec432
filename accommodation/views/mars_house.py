"""Pages for MARS House: its rooms and who is in them, referrals through to sign-up, voids and
occupancy by month, and the day-to-day issues log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accommodation import figures, mars_house_page, services
from accommodation.forms import (
    AssessmentForm,
    HouseIssueForm,
    MarsHouseDecisionForm,
    MarsHouseReferralForm,
    ReasonForm,
    SignUpForm,
)
from accommodation.models import (
    HouseIssue,
    MarsHouseReferral,
    MarsHouseStatus,
    Placement,
    Property,
    PropertyType,
    Unit,
)
from clients.access import can_see_people, person_for_record, visible_clients
from mars import access, reads
from mars.dates import MonthError, next_month, previous_month
from mars.forms import staff_label
from mars.pages import page_of, record_page, service_form
from mars.spreadsheets import csv_response
from risk.alerts import alerts_lookup, with_alerts

REFUSALS = (services.AccommodationError,)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(MarsHouseReferral, "view"))
    today = timezone.localdate()
    units = access.visible(user, Unit.objects.all()).filter(
        property__type=PropertyType.MARS_HOUSE, active=True
    )
    occupants = {
        p.unit_id: p
        for p in access.visible(user, Placement.objects.all())
        .filter(unit__in=units)
        .current(today)
        .select_related("client")
        .prefetch_related(alerts_lookup("client__"))
    }
    empty = {room.unit.pk: room for room in figures.empty_rooms(units, today)}
    rooms = [(u, occupants.get(u.pk), empty.get(u.pk)) for u in units.select_related("property")]
    referrals = (
        access.visible(user, MarsHouseReferral.objects.all())
        .live()
        .select_related("client", "referring_agency")
        .order_by("received_on", "id")
    )
    live_referrals = list(with_alerts(referrals, "client__"))
    reads.note_records([*occupants.values(), *live_referrals], "mars house")
    return render(
        request,
        "accommodation/mars_house.html",
        {
            "rooms": rooms,
            "referrals": live_referrals,
            "this_month": figures.void_report(units, today, today),
            "issues": access.visible(user, HouseIssue.objects.all())
            .open()
            .filter(property__type=PropertyType.MARS_HOUSE)
            .select_related("unit", "dealt_with_by")[:10],
            "can_log_issue": access.can_add_for(user, HouseIssue),
            "can_manage": access.can_change(user, MarsHouseReferral),
            "today": today,
            "parts": [
                part
                for part in (provider(user, today) for provider in mars_house_page.sections)
                if part is not None
            ],
        },
    )


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(MarsHouseReferral, "view"))
    referrals = with_alerts(
        access.visible(request.user, MarsHouseReferral.objects.all()).select_related(
            "client", "referring_agency"
        ),
        "client__",
    )
    page = page_of(request, referrals)
    return render(request, "accommodation/mars_house_referral_list.html", {"page": page})


@login_required
def referral_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(MarsHouseReferral, "add"))
    client = person_for_record(request, client_pk)
    form = MarsHouseReferralForm(request.POST or None, instance=MarsHouseReferral(client=client))
    return service_form(
        request,
        form,
        "Refer to MARS House",
        run=lambda data: services.receive_mars_house_referral(
            form.save(commit=False), by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="MARS House referral received.",
        client=client,
    )


@login_required
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_visible(request.user, MarsHouseReferral, pk, write=True)
    form = MarsHouseReferralForm(request.POST or None, instance=referral)
    return service_form(
        request,
        form,
        "Change MARS House referral",
        run=lambda data: services.receive_mars_house_referral(
            form.save(commit=False), by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Referral saved.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
    )


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    r = access.get_visible(user, MarsHouseReferral, pk)
    rows = [
        ("Person", r.client),
        ("Received", r.received_on),
        ("Referred by", staff_label(r.referred_by) if r.referred_by else ""),
        ("Referring agency", r.referring_agency),
        ("Reasons", r.reasons),
        ("Status", r.get_status_display()),
        ("Assessed on", r.assessed_on),
        ("Assessment", r.assessment),
        ("Decided on", r.decided_on),
        ("Decided by", staff_label(r.decided_by) if r.decided_by else ""),
        ("Reason", r.decision_reason),
        ("Licence signed", r.licence_date),
        ("Placement", r.placement),
    ]
    if r.is_waiting:
        rows += [("Days waiting", r.days_waiting()), ("Decision due", r.response_due)]
        if over := r.days_over():
            rows.append(("Days over", over))
    elif r.decided_on:
        rows.append(("Days to decision", r.days_waiting()))
    actions = []
    if access.can_change(user, MarsHouseReferral):
        step = {
            MarsHouseStatus.RECEIVED: ("Record assessment", "mars_house_assess"),
            MarsHouseStatus.ASSESSED: ("Accept or decline", "mars_house_decide"),
            MarsHouseStatus.ACCEPTED: ("Sign up", "mars_house_sign_up"),
        }.get(MarsHouseStatus(r.status))
        if step:
            actions.append((step[0], reverse(f"accommodation:{step[1]}", args=[pk])))
        if r.status in (
            MarsHouseStatus.RECEIVED,
            MarsHouseStatus.ASSESSED,
            MarsHouseStatus.ACCEPTED,
        ):
            actions.append(("Withdraw", reverse("accommodation:mars_house_withdraw", args=[pk])))
    return record_page(
        request,
        r,
        rows,
        edit_url=reverse("accommodation:mars_house_referral_edit", args=[pk]),
        actions=actions,
        title="MARS House referral",
    )


def _manage(request: HttpRequest, pk: int) -> MarsHouseReferral:
    return access.get_visible(request.user, MarsHouseReferral, pk, write=True)


@login_required
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _manage(request, pk)
    form = AssessmentForm(
        request.POST or None,
        initial={"assessed_on": timezone.localdate(), "notes": referral.assessment},
    )
    return service_form(
        request,
        form,
        "Record the assessment",
        run=lambda data: services.assess_mars_house_referral(
            referral, assessed_on=data["assessed_on"], notes=data["notes"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Assessment recorded.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
    )


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _manage(request, pk)
    form = MarsHouseDecisionForm(request.POST or None)
    return service_form(
        request,
        form,
        "Accept or decline",
        run=lambda data: services.decide_mars_house_referral(
            referral, accept=data["decision"] == "accept", reason=data["reason"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Decision recorded.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
    )


@login_required
def sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _manage(request, pk)
    access.require(request.user, access.perm(Placement, "add"))
    form = SignUpForm(
        request.POST or None,
        units=access.visible(request.user, Unit.objects.all()).filter(
            property__type=PropertyType.MARS_HOUSE
        ),
        initial={"licence_date": timezone.localdate()},
    )
    return service_form(
        request,
        form,
        "Sign up to MARS House",
        run=lambda data: services.sign_up(
            referral,
            data["unit"],
            licence_date=data["licence_date"],
            planned_end=data["planned_end"],
            nightly_cost=data["nightly_cost"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda placement: placement,
        message="Signed up: the placement has begun.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
        submit_label="Sign up",
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _manage(request, pk)
    form = ReasonForm(request.POST or None)
    return service_form(
        request,
        form,
        "Withdraw the referral",
        run=lambda data: services.withdraw_mars_house_referral(
            referral, reason=data["reason"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Referral withdrawn.",
        client=referral.client,
        cancel_url=referral.get_absolute_url(),
        submit_label="Withdraw",
    )


# Voids


def _void_report(request: HttpRequest) -> figures.VoidReport:
    access.require(request.user, access.perm(Unit, "view"))
    try:
        return figures.requested_void_report(
            request.user, request.GET.get("month"), timezone.localdate()
        )
    except MonthError as error:
        raise BadRequest(str(error)) from error


@login_required
def voids(request: HttpRequest) -> HttpResponse:
    """The monthly void report: per room, days occupied, out of use and void; occupancy."""
    report = _void_report(request)
    previous, following = previous_month(report.month), next_month(report.month)
    return render(
        request,
        "accommodation/voids.html",
        {
            "report": report,
            "previous": previous,
            "following": following if following <= timezone.localdate() else None,
            "empty_now": figures.empty_rooms(
                access.visible(request.user, Unit.objects.all()).filter(
                    property__type=PropertyType.MARS_HOUSE
                ),
                timezone.localdate(),
            ),
        },
    )


VOIDS_HEADER = [
    "month",
    "property",
    "room",
    "days",
    "occupied",
    "out_of_use",
    "void",
    "occupancy_percent",
]


@login_required
def voids_csv(request: HttpRequest) -> HttpResponse:
    report = _void_report(request)
    month = f"{report.month:%Y-%m}"
    rows = [
        [
            month,
            room.unit.property.name,
            room.unit.name,
            room.days,
            room.occupied,
            room.unavailable,
            room.void,
            "" if room.occupancy is None else room.occupancy,
        ]
        for room in report.rooms
    ]
    rows.append(
        [
            month,
            "All",
            "",
            report.days * len(report.rooms),
            report.occupied_days,
            report.unavailable_days,
            report.void_days,
            "" if report.occupancy is None else report.occupancy,
        ]
    )
    return csv_response(
        f"mars-house-voids-{month}.csv",
        VOIDS_HEADER,
        rows,
    )


# Issues


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(HouseIssue, "view"))
    show = "all" if request.GET.get("show") == "all" else "open"
    issues = access.visible(request.user, HouseIssue.objects.all()).select_related(
        "property", "unit", "dealt_with_by"
    )
    if show == "open":
        issues = issues.open()
    page = page_of(request, issues)
    return render(
        request,
        "accommodation/issue_list.html",
        {"page": page, "show": show, "can_add": access.can_add_for(request.user, HouseIssue)},
    )


def _issue_form(request: HttpRequest, issue: HouseIssue, title: str) -> HttpResponse:
    properties = access.visible(request.user, Property.objects.all())
    form = HouseIssueForm(
        request.POST or None,
        instance=issue,
        properties=properties.filter(active=True) if issue.pk is None else properties,
        residents=visible_clients(request.user).filter(
            pk__in=Placement.objects.current().values("client_id")
        ),
    )
    return service_form(
        request,
        form,
        title,
        run=lambda data: services.save_issue(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Issue saved.",
        cancel_url=reverse("accommodation:issue_list"),
    )


@login_required
def issue_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(HouseIssue, "add"))
    initial_house = figures.mars_houses().first()
    return _issue_form(
        request,
        HouseIssue(property=initial_house) if initial_house else HouseIssue(),
        "Log an issue",
    )


@login_required
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue_form(
        request, access.get_visible(request.user, HouseIssue, pk, write=True), "Change issue"
    )


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    i = access.get_visible(request.user, HouseIssue, pk)
    rows = [
        ("Property", i.property),
        ("Unit", i.unit),
        ("Resident", i.resident if can_see_people(request.user) else ""),
        ("Reported", i.reported_at),
        ("Kind", i.get_kind_display()),
        ("Description", i.description),
        ("Dealt with by", staff_label(i.dealt_with_by) if i.dealt_with_by else ""),
        ("Action taken", i.action_taken),
        ("Resolved on", i.resolved_on),
        ("Logged by", staff_label(i.logged_by) if i.logged_by else ""),
    ]
    actions = []
    for provider in mars_house_page.issue_additions:
        additions = provider(request.user, i)
        rows += additions.rows
        actions += additions.actions
    return record_page(
        request,
        i,
        rows,
        edit_url=reverse("accommodation:issue_edit", args=[pk]),
        client=None,
        actions=actions,
    )
