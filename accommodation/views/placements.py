"""Pages for placements: who lives where, placing a person, ending and moving, and Housing First
tenancies with their sustainment."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accommodation import figures, services
from accommodation.access import can_place
from accommodation.forms import EndPlacementForm, MoveForm, PlacementCorrectionForm, PlacementForm
from accommodation.models import A2AReferral, Placement, PropertyType, Unit
from clients.access import person_for_record, visible_clients
from mars import access
from mars.forms import staff_label
from mars.pages import page_of, record_page, service_form
from risk.alerts import with_alerts

REFUSALS = (services.AccommodationError,)


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(Placement, "view"))
    today = timezone.localdate()
    show = "past" if request.GET.get("show") == "past" else "current"
    wanted = request.GET.get("type", "")
    placements = access.visible(user, Placement.objects.all()).select_related(
        "client", "unit__property"
    )
    if wanted in PropertyType.values:
        placements = placements.in_types(wanted)
    if show == "current":
        placements = placements.current(today).order_by("unit__property__name", "unit__name")
    else:
        placements = placements.filter(end__isnull=False).order_by("-end", "-id")
    page = page_of(request, with_alerts(placements, "client__"))
    return render(
        request,
        "accommodation/placement_list.html",
        {
            "page": page,
            "show": show,
            "wanted": wanted,
            "types": PropertyType.choices,
            "today": today,
            "query": f"show={show}&type={wanted}",
        },
    )


@login_required
def placement_create(request: HttpRequest) -> HttpResponse:
    """Place a person: from an approved referral (?referral=), their page (?client=) or a free
    unit on the board (?unit=, choosing among people the panel approved)."""
    user = request.user
    access.require(user, access.perm(Placement, "add"))
    referrals = access.visible(user, A2AReferral.objects.all()).approved().select_related("client")
    referral = None
    client = None
    if request.GET.get("referral"):
        referral = access.get_visible(user, A2AReferral, request.GET["referral"])
        client = referral.client
    elif request.GET.get("client"):
        client = person_for_record(request, request.GET["client"])
    if client is not None:
        people = visible_clients(user).filter(pk=client.pk)
        referrals = referrals.filter(client=client)
        referral = referral or referrals.first()
    else:
        people = visible_clients(user).filter(pk__in=referrals.values("client_id"))
    unit = None
    if request.GET.get("unit"):
        unit = access.get_visible(user, Unit, request.GET["unit"])
    form = PlacementForm(
        request.POST or None,
        people=people,
        units=access.visible(user, Unit.objects.all()),
        referrals=referrals,
        initial={
            "client": client,
            "unit": unit,
            "referral": referral,
            "start": timezone.localdate(),
        },
    )
    return service_form(
        request,
        form,
        f"Place {client.display_name}" if client else "Place a person",
        run=lambda data: services.place_client(
            data["client"],
            data["unit"],
            start=data["start"],
            planned_end=data["planned_end"],
            nightly_cost=data["nightly_cost"],
            referral=data["referral"],
            notes=data["notes"],
            by=user,
        ),
        refusals=REFUSALS,
        done=lambda placement: placement,
        message="Placement recorded.",
        client=client,
        cancel_url=(client.get_absolute_url() if client else reverse("accommodation:board")),
        submit_label="Place",
    )


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    p = access.get_visible(user, Placement, pk)
    today = timezone.localdate()
    rows = [
        ("Person", p.client),
        ("Property", p.unit.property),
        ("Unit", p.unit),
        ("Type", p.unit.property.get_type_display()),
        ("Moved in", p.start),
        ("Planned end", p.planned_end),
        ("Left on", p.end),
        ("Why it ended", p.get_end_reason_display()),
        ("Move-on destination", p.move_on_destination),
        ("Nights", p.nights(today)),
        ("Nightly cost", f"£{p.nightly_cost}" if p.nightly_cost is not None else ""),
        ("A2A referral", p.referral),
        ("Notes", p.notes),
        ("Placed by", staff_label(p.placed_by) if p.placed_by else ""),
    ]
    if p.unit.property.provider:
        label = "Landlord" if p.is_housing_first else "Provider"
        rows.insert(3, (label, p.unit.property.provider))
    actions = []
    if p.end is None and access.can_change(user, Placement):
        actions.append(("Record leaving", reverse("accommodation:placement_end", args=[pk])))
        actions.append(("Move to another unit", reverse("accommodation:placement_move", args=[pk])))
    tenancy = None
    if p.is_housing_first:
        mine = access.visible(user, Placement.objects.all()).filter(client=p.client)
        tenancy = next(
            (t for t in figures.tenancies(mine, today) if any(x.pk == p.pk for x in t.placements)),
            None,
        )
    return record_page(
        request,
        p,
        rows,
        edit_url=reverse("accommodation:placement_edit", args=[pk]),
        template="accommodation/placement_detail.html",
        actions=actions,
        title="Housing First tenancy" if p.is_housing_first else "Placement",
        tenancy=tenancy,
    )


@login_required
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access.get_visible(request.user, Placement, pk, write=True)
    form = PlacementCorrectionForm(request.POST or None, instance=placement)
    return service_form(
        request,
        form,
        "Correct placement",
        run=lambda data: services.correct_placement(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Placement saved.",
        client=placement.client,
        cancel_url=placement.get_absolute_url(),
        intro="To move the person to another unit, use Move instead.",
    )


@login_required
def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access.get_visible(request.user, Placement, pk, write=True)
    form = EndPlacementForm(request.POST or None, initial={"end": timezone.localdate()})
    return service_form(
        request,
        form,
        f"Leaving {placement.unit}",
        run=lambda data: services.end_placement(
            placement,
            end=data["end"],
            reason=data["reason"],
            destination=data["destination"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Placement ended.",
        client=placement.client,
        cancel_url=placement.get_absolute_url(),
        submit_label="Record leaving",
    )


@login_required
def placement_move(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access.get_visible(request.user, Placement, pk, write=True)
    access.require(request.user, access.perm(Placement, "add"))
    form = MoveForm(
        request.POST or None,
        units=access.visible(request.user, Unit.objects.all()).exclude(pk=placement.unit_id),
        initial={"on": timezone.localdate()},
    )
    return service_form(
        request,
        form,
        f"Move from {placement.unit}",
        run=lambda data: services.move_client(
            placement,
            data["unit"],
            on=data["on"],
            planned_end=data["planned_end"],
            nightly_cost=data["nightly_cost"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda new: new,
        message="Moved: one placement ended and the next began.",
        client=placement.client,
        cancel_url=placement.get_absolute_url(),
        submit_label="Move",
    )


@login_required
def housing_first(request: HttpRequest) -> HttpResponse:
    """Housing First tenancies and the share sustained at 6 and 12 months."""
    user = request.user
    access.require(user, access.perm(Placement, "view"))
    today = timezone.localdate()
    tenancies = figures.tenancies(access.visible(user, Placement.objects.all()), today)
    wanted = request.GET.get("q", "").strip().lower()
    shown = [
        t
        for t in tenancies
        if not wanted
        or wanted in t.placement.client.display_name.lower()
        or wanted in str(t.current.unit).lower()
    ]
    return render(
        request,
        "accommodation/housing_first.html",
        {
            "tenancies": page_of(request, shown),
            "query": urlencode({"q": request.GET["q"]}) if request.GET.get("q") else "",
            "rates": figures.sustainment_rates(tenancies),
            "points": figures.SUSTAINMENT_POINTS,
            "q": request.GET.get("q", ""),
            "can_place": can_place(user),
        },
    )
