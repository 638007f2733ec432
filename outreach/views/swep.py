"""Pages for the Severe Weather Emergency Protocol and the annual count or estimate."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.access import can_see_people, person_for_record, visible_clients
from clients.models import normal_reference
from mars import access, reads
from mars.pages import form_page, history_of, page_of, record_page
from mars.spreadsheets import csv_response
from outreach import figures, services
from outreach.forms import (
    CountedPersonForm,
    CountForm,
    SwepActivationForm,
    SwepOfferForm,
)
from outreach.models import (
    CountedPerson,
    RoughSleepingCount,
    SevereWeatherActivation,
    SwepOffer,
)

# SWEP


@login_required
def swep_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(SevereWeatherActivation, "view"))
    activations = access.visible(
        request.user, SevereWeatherActivation.objects.all()
    ).select_related("activated_by")
    return render(
        request,
        "outreach/swep_list.html",
        {
            "activations": page_of(request, activations),
            "active": figures.active_swep(),
            "can_add": access.can_add_for(request.user, SevereWeatherActivation),
            "now": timezone.now(),
        },
    )


@login_required
def swep_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(SevereWeatherActivation, "add"))
        activation = SevereWeatherActivation()
        now = timezone.localtime().replace(second=0, microsecond=0)
        tomorrow_morning = (now + timedelta(days=1)).replace(hour=9, minute=0)
        initial = {"starts": now, "ends": tomorrow_morning}
    else:
        activation = access.get_visible(request.user, SevereWeatherActivation, pk, write=True)
        initial = {}
    form = SwepActivationForm(request.POST or None, instance=activation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activation = services.save_swep_activation(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "SWEP saved.")
            return redirect(activation)
    return form_page(
        request,
        form,
        "Change SWEP" if pk else "Activate SWEP",
        cancel_url=reverse("outreach:swep_list"),
        submit_label="Save" if pk else "Activate SWEP",
    )


@login_required
@require_POST
def swep_stand_down(request: HttpRequest, pk: int) -> HttpResponse:
    activation = access.get_visible(request.user, SevereWeatherActivation, pk, write=True)
    try:
        services.stand_down_swep(activation, by=request.user)
    except services.OutreachError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "SWEP stood down.")
    return redirect(activation)


@login_required
def swep_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activation = access.get_visible(request.user, SevereWeatherActivation, pk)
    rows = [
        ("From", activation.starts),
        ("To", activation.ends),
        ("Trigger", activation.get_trigger_display()),
        (
            "Forecast minimum",
            f"{activation.forecast_minimum} °C" if activation.forecast_minimum is not None else "",
        ),
        ("Note", activation.note),
        (
            "Activated by",
            activation.activated_by.get_full_name() or activation.activated_by.username,
        ),
    ]
    people = list(figures.swep_people(activation, visible_clients(request.user)))
    offers = list(
        access.visible(request.user, SwepOffer.objects.all())
        .filter(activation=activation)
        .select_related("client")
    )
    reads.note_records([*people, *offers], "swep page")
    return record_page(
        request,
        activation,
        rows,
        edit_url=reverse("outreach:swep_edit", args=[pk]),
        template="outreach/swep_detail.html",
        client=None,
        title=str(activation),
        summary=figures.swep_summary(activation),
        people=people,
        offers=offers,
        active=activation.is_active(),
        can_offer=access.can_add_for(request.user, SwepOffer),
    )


def _swep_offer_form(request: HttpRequest, offer: SwepOffer, title: str) -> HttpResponse:
    form = SwepOfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.save_swep_offer(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "SWEP offer saved.")
            return redirect(offer.activation)
    return form_page(
        request, form, title, client=offer.client, cancel_url=offer.activation.get_absolute_url()
    )


@login_required
def swep_offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    activation = access.get_visible(request.user, SevereWeatherActivation, pk)
    access.require(request.user, access.perm(SwepOffer, "add"))
    client = person_for_record(request, request.GET.get("client") or request.POST.get("client"))
    offer = SwepOffer(activation=activation, client=client, offered_on=timezone.localdate())
    return _swep_offer_form(request, offer, "SWEP offer")


@login_required
def swep_offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_visible(request.user, SwepOffer, pk, write=True)
    return _swep_offer_form(request, offer, "Change SWEP offer")


@login_required
def swep_offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    o = access.get_visible(request.user, SwepOffer, pk)
    rows = [
        ("Person", o.client),
        ("SWEP", o.activation),
        ("Date", o.offered_on),
        ("Offered", o.get_offer_display()),
        ("Accepted", "Yes" if o.accepted else "No"),
        ("Reason for declining", o.declined_reason),
        (
            "Mental health assessment requested",
            "Yes" if o.mental_health_assessment_requested else "No",
        ),
        ("Notes", o.notes),
        ("Made by", o.made_by.get_full_name() or o.made_by.username),
    ]
    return record_page(request, o, rows, edit_url=reverse("outreach:swep_offer_edit", args=[pk]))


# The annual count or estimate


@login_required
def count_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(RoughSleepingCount, "view"))
    counts = list(
        access.visible(request.user, RoughSleepingCount.objects.all()).order_by("-night")[:6]
    )
    totals = figures.count_totals(counts)
    return render(
        request,
        "outreach/count_list.html",
        {
            "totals": totals,
            "table": figures.count_table(totals),
            "can_add": access.can_add_for(request.user, RoughSleepingCount),
        },
    )


@login_required
def count_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(RoughSleepingCount, "add"))
        count = RoughSleepingCount()
    else:
        count = access.get_visible(request.user, RoughSleepingCount, pk, write=True)
    form = CountForm(request.POST or None, instance=count)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.save_count(
                form.save(commit=False),
                agencies=form.cleaned_data["agencies_consulted"],
                by=request.user,
            )
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Count saved.")
            return redirect(count)
    return form_page(
        request,
        form,
        "Change count" if pk else "Record the annual count or estimate",
        cancel_url=reverse("outreach:count_list"),
    )


@login_required
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    count = access.get_visible(request.user, RoughSleepingCount, pk)
    form = CountedPersonForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, access.perm(CountedPerson, "add"))
        if form.is_valid():
            person = form.save(commit=False)
            person.count = count
            reference = form.cleaned_data["reference"]
            if reference:
                person.client = (
                    visible_clients(request.user)
                    .filter(reference=normal_reference(reference) or "")
                    .first()
                )
                if person.client is None:
                    form.add_error("reference", "No person has that reference.")
            if not form.errors:
                try:
                    services.save_counted_person(person, by=request.user)
                except services.OutreachError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, "Person added to the count.")
                    return redirect(count)
    rows = [
        ("Night", count.night),
        ("Method", count.get_method_display()),
        ("Areas covered", count.areas_covered),
        ("Agencies consulted", ", ".join(a.name for a in count.agencies_consulted.all())),
        ("Notes", count.notes),
    ]
    people = list(count.people.select_related("client")) if can_see_people(request.user) else []
    reads.note_records(people, "count page")
    return record_page(
        request,
        count,
        rows,
        edit_url=reverse("outreach:count_edit", args=[pk]),
        template="outreach/count_detail.html",
        client=None,
        table=figures.count_table(figures.count_totals([count])),
        people=people,
        form=form,
        can_add_person=access.can_add_for(request.user, CountedPerson),
        can_remove=access.can(request.user, access.perm(CountedPerson, "delete")),
        history=history_of(
            count,
            (
                "Counted person",
                CountedPerson.history.filter(count_id=count.pk).select_related("history_user"),
            ),
        ),
    )


@login_required
@require_POST
def counted_person_remove(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, access.perm(CountedPerson, "delete"))
    person = access.get_visible(request.user, CountedPerson, pk)
    count = person.count
    services.remove_counted_person(person, by=request.user)
    messages.success(request, "Person taken out of the count.")
    return redirect(count)


@login_required
def count_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The totals in the shape of the government's snapshot return."""
    count = access.get_visible(request.user, RoughSleepingCount, pk)
    totals = figures.count_totals([count])[0]
    base = [count.night.year, count.night.isoformat(), count.method]
    rows = [[*base, "total", "total", totals.total]]
    for name, choices in figures.GROUPS.items():
        for value in choices.values:
            rows.append([*base, name, value, getattr(totals, name)[value]])
    return csv_response(
        f"rough-sleeping-snapshot-{count.night.year}.csv",
        ["year", "night", "method", "group", "category", "people"],
        rows,
    )
