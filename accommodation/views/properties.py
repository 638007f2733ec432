"""Pages for places to live: the availability board, providers, properties, units and their
periods out of use."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accommodation import figures, services
from accommodation.access import can_place
from accommodation.forms import PropertyForm, ProviderForm, UnavailabilityForm, UnitForm
from accommodation.models import (
    A2AReferral,
    Placement,
    Property,
    PropertyType,
    Provider,
    Unavailability,
    Unit,
)
from clients.access import can_see_people
from mars import access, reads
from mars.pages import history_of, page_of, record_page, service_form

REFUSALS = (services.AccommodationError,)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """What is free today, who is due to leave within 14 days, and what is out of use."""
    user = request.user
    access.require(user, access.perm(Unit, "view"))
    wanted = request.GET.get("type", "")
    units = access.visible(user, Unit.objects.all())
    if wanted in PropertyType.values:
        units = units.filter(property__type=wanted)
    placements = access.visible(user, Placement.objects.all()).filter(unit__in=units)
    today = timezone.localdate()
    board = figures.board(units, placements, today)
    if can_see_people(user):
        reads.note_records(board.ending_soon, "accommodation board")
    context = {
        "board": board,
        "types": PropertyType.choices,
        "wanted": wanted,
        "can_see_people": can_see_people(user),
        "can_place": can_place(user),
        "approved_waiting": access.visible(user, A2AReferral.objects.all()).approved().count(),
    }
    return render(request, "accommodation/board.html", context)


# Providers


@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Provider, "view"))
    providers = page_of(
        request,
        access.visible(request.user, Provider.objects.order_by("name", "pk")).prefetch_related(
            "properties"
        ),
    )
    return render(
        request,
        "accommodation/provider_list.html",
        {"providers": providers, "can_add": access.can_add_for(request.user, Provider)},
    )


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access.get_visible(request.user, Provider, pk)
    rows = [
        ("Contact", provider.contact_name),
        ("Phone", provider.phone),
        ("Email", provider.email),
        ("Address", provider.address),
        ("Partner agency", provider.agency),
        ("Notes", provider.notes),
        ("In use", "Yes" if provider.active else "No"),
    ]
    return record_page(
        request,
        provider,
        rows,
        edit_url=reverse("accommodation:provider_edit", args=[pk]),
        template="accommodation/provider_detail.html",
        properties=provider.properties.all(),
    )


@login_required
def provider_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(Provider, "add"))
        provider = Provider()
    else:
        provider = access.get_visible(request.user, Provider, pk, write=True)
    form = ProviderForm(request.POST or None, instance=provider)
    return service_form(
        request,
        form,
        "Change provider" if pk else "New provider",
        run=lambda data: services.save_provider(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Provider saved.",
        cancel_url=reverse("accommodation:provider_list"),
    )


# Properties and units


@login_required
def property_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Property, "view"))
    today = timezone.localdate()
    properties = (
        access.visible(request.user, Property.objects.all())
        .select_related("provider")
        .prefetch_related("units")
        .order_by("-active", "name", "pk")
    )
    page = page_of(request, properties)
    free = set(
        Unit.objects.free_on(today)
        .filter(property__in=page.object_list)
        .values_list("pk", flat=True)
    )
    rows = [
        (
            p,
            len([u for u in p.units.all() if u.active]),
            len([u for u in p.units.all() if u.pk in free]),
        )
        for p in page
    ]
    return render(
        request,
        "accommodation/property_list.html",
        {"rows": rows, "page": page, "can_add": access.can_add_for(request.user, Property)},
    )


@login_required
def property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    prop = access.get_visible(user, Property, pk)
    today = timezone.localdate()
    units = prop.units.all()
    occupants = {
        p.unit_id: p
        for p in access.visible(user, Placement.objects.all())
        .filter(unit__property=prop)
        .current(today)
        .select_related("client")
    }
    out = {u.unit_id: u for u in Unavailability.objects.filter(unit__property=prop).on(today)}
    rows = [
        ("Type", prop.get_type_display()),
        ("Code", prop.key),
        ("Address", prop.address),
        ("Provider", prop.provider),
        ("Notes", prop.notes),
        ("In use", "Yes" if prop.active else "No"),
    ]
    return record_page(
        request,
        prop,
        rows,
        edit_url=reverse("accommodation:property_edit", args=[pk]),
        template="accommodation/property_detail.html",
        units=[(u, occupants.get(u.pk), out.get(u.pk)) for u in units],
        can_add_unit=access.can_add_for(user, Unit),
        can_place=can_place(user),
        history=history_of(
            prop, ("Unit", Unit.history.filter(property_id=prop.pk).select_related("history_user"))
        ),
    )


@login_required
def property_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(Property, "add"))
        prop = Property()
    else:
        prop = access.get_visible(request.user, Property, pk, write=True)
    form = PropertyForm(request.POST or None, instance=prop)
    if request.POST.get("units", "").strip():
        access.require(request.user, access.perm(Unit, "add"))
    return service_form(
        request,
        form,
        "Change property" if pk else "New property",
        run=lambda data: services.save_property(
            form.save(commit=False), units=form.unit_names(), by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Property saved.",
        cancel_url=reverse("accommodation:property_list"),
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = access.get_visible(user, Unit, pk)
    placements = (
        access.visible(user, Placement.objects.all()).filter(unit=unit).select_related("client")
    )
    periods = unit.unavailable_periods.all()
    rows = [
        ("Property", unit.property),
        ("Kind", unit.get_kind_display()),
        ("In use", "Yes" if unit.active else "No"),
        ("Notes", unit.notes),
    ]
    return record_page(
        request,
        unit,
        rows,
        edit_url=reverse("accommodation:unit_edit", args=[pk]),
        template="accommodation/unit_detail.html",
        placements=placements[:50],
        periods=periods,
        can_mark=access.can_add_for(user, Unavailability),
        can_change_period=access.can_change(user, Unavailability),
        can_place=can_place(user),
        free_today=Unit.objects.free_on(timezone.localdate()).filter(pk=pk).exists(),
        history=history_of(
            unit,
            (
                "Out of use",
                Unavailability.history.filter(unit_id=unit.pk).select_related("history_user"),
            ),
        ),
    )


@login_required
def unit_form(
    request: HttpRequest, pk: int | None = None, property_pk: int | None = None
) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(Unit, "add"))
        unit = Unit(property=access.get_visible(request.user, Property, property_pk))
    else:
        unit = access.get_visible(request.user, Unit, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit)
    return service_form(
        request,
        form,
        f"Change {unit}" if pk else f"New unit at {unit.property}",
        run=lambda data: services.save_unit(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Unit saved.",
        cancel_url=unit.get_absolute_url() if pk else unit.property.get_absolute_url(),
    )


@login_required
def unavailability_form(
    request: HttpRequest, unit_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(Unavailability, "add"))
        period = Unavailability(unit=access.get_visible(request.user, Unit, unit_pk))
        initial = {"start": timezone.localdate()}
    else:
        period = access.get_visible(request.user, Unavailability, pk, write=True)
        initial = {}
    form = UnavailabilityForm(request.POST or None, instance=period, initial=initial)
    return service_form(
        request,
        form,
        f"{period.unit}: out of use",
        run=lambda data: services.save_unavailability(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved.unit,
        message="Saved.",
        cancel_url=period.unit.get_absolute_url(),
        intro="The unit cannot be let during this period; the board and the void report show it.",
    )
