"""Pages for the street: outreach home, sessions, contacts, sightings, who is out, hotspots."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.access import (
    can_see_people,
    history_mask,
    may_break_glass,
    may_see_special_category,
    note_seen_by,
    person_for_record,
    visible_clients,
)
from clients.forms import ClientForm, ConfirmDistinctForm
from clients.models import Client
from clients.views import possible_matches
from mars import access, reads
from mars.dates import day_bounds
from mars.history import history_entries
from mars.home import HomePart
from mars.pages import HtmxHttpRequest, form_page, history_of, page_of, record_page, safe_next
from outreach import figures, services
from outreach.charts import hotspot_chart
from outreach.forms import (
    ContactForm,
    HotspotForm,
    LinkSearchForm,
    SessionForm,
)
from outreach.models import (
    Contact,
    ContactKind,
    Engagement,
    Hotspot,
    OutreachSession,
    PublicReport,
    SessionCover,
    Verification,
)
from outreach.views.common import clock
from risk.alerts import with_alerts

# What the contact form remembers between contacts, in the signed-in session.
REMEMBERED = "outreach_last_contact"


# The outreach home


@login_required
def outreach_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(Contact, "view"))
    today = timezone.localdate()
    week_start, _ = day_bounds(today - timedelta(days=6), today)
    people = visible_clients(user)
    context = {
        "todays_session": services.todays_session(user),
        "can_add_session": access.can_add_for(user, OutreachSession),
        "can_log": access.can_add_for(user, Contact),
        "unidentified_this_week": access.visible(user, Contact.objects.all())
        .unidentified()
        .filter(at__gte=week_start)
        .count(),
        "overdue_reports": access.visible(user, PublicReport.objects.all()).overdue().count(),
        "live_reports": access.visible(user, PublicReport.objects.all()).live().count(),
        "seen_14": figures.seen_rough_sleeping(people, days=14).count(),
        "upcoming": services.next_sessions().prefetch_related("staff")[:5],
    }
    return render(request, "outreach/home.html", context)


# Sessions


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(OutreachSession, "view"))
    sessions = (
        access.visible(request.user, OutreachSession.objects.all())
        .prefetch_related("staff", "partners")
        .order_by("-date", "-start_time", "-id")
    )
    page = page_of(request, sessions)
    return render(
        request,
        "outreach/session_list.html",
        {"page": page, "can_add": access.can_add_for(request.user, OutreachSession)},
    )


@login_required
def session_today(request: HttpRequest) -> HttpResponse:
    """One tap from home: today's session if the user is on one, else the form to start it."""
    access.require(request.user, access.perm(OutreachSession, "view"))
    session = services.todays_session(request.user)
    if session is not None:
        return redirect(session)
    return redirect(reverse("outreach:session_create") + "?today=1")


@login_required
def session_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(OutreachSession, "add"))
        session = OutreachSession()
        now = timezone.localtime()
        initial = {"date": now.date(), "start_time": now.strftime("%H:%M"), "staff": [request.user]}
    else:
        session = access.get_visible(request.user, OutreachSession, pk, write=True)
        initial = {}
    form = SessionForm(request.POST or None, instance=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.save_session(
                form.save(commit=False),
                staff=form.cleaned_data["staff"],
                partners=form.cleaned_data["partners"],
                by=request.user,
            )
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Session saved.")
            return redirect(session)
    return form_page(
        request,
        form,
        "Start today's session"
        if request.GET.get("today")
        else ("Change session" if pk else "New session"),
        cancel_url=reverse("outreach:session_list"),
        submit_label="Start session" if request.GET.get("today") else "Save",
    )


def _session_time(session: OutreachSession) -> str:
    if session.end_time is not None:
        return f"{clock(session.start_time)} to {clock(session.end_time)}"
    if session.date > timezone.localdate():
        return f"From {clock(session.start_time)} (planned)"
    return f"{clock(session.start_time)} to not ended yet"


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_visible(request.user, OutreachSession, pk)
    staff = ", ".join(u.get_full_name() or u.username for u in session.staff.all())
    partners = [a.name for a in session.partners.all()]
    if session.other_partners:
        partners.append(session.other_partners)
    rows = [
        ("Date", session.date),
        ("Time", _session_time(session)),
        ("Area or route", session.area),
        ("Staff", staff),
        ("Partners present", ", ".join(partners) or "None"),
        ("Notes", session.notes),
    ]
    covers = list(session.covers.select_related("away", "covering"))
    if covers:
        rows.append(("Cover", "; ".join(str(cover) for cover in covers)))
    contacts = (
        access.visible(request.user, Contact.objects.all())
        .filter(session=session)
        .select_related("client", "hotspot", "worker")
    )
    shown = list(with_alerts(contacts, "client__"))
    reads.note_records(shown, "outreach session page")
    return record_page(
        request,
        session,
        rows,
        edit_url=reverse("outreach:session_edit", args=[pk]),
        template="outreach/session_detail.html",
        title=f"Session {session.date:%d/%m/%Y}",
        contacts=shown,
        reports=access.visible(request.user, PublicReport.objects.all())
        .filter(allocated_session=session)
        .live(),
        can_log=access.can_add_for(request.user, Contact),
        history=history_entries(
            ("", session.history.select_related("history_user")),
            (
                "Cover",
                SessionCover.history.filter(session_id=session.pk).select_related("history_user"),
            ),
        ),
    )


# Contacts and sightings


def _remembered(request: HttpRequest) -> dict[str, Any]:
    remembered = request.session.get(REMEMBERED, {})
    initial: dict[str, Any] = {
        "at": timezone.localtime().replace(second=0, microsecond=0),
        "kind": ContactKind.STREET_OUTREACH,
        "engagement": Engagement.ENGAGED,
        "verification": Verification.SEEN_BY_WORKER,
        "location": remembered.get("location", ""),
        "hotspot": remembered.get("hotspot"),
    }
    session = None
    if remembered.get("session"):
        session = OutreachSession.objects.filter(
            pk=remembered["session"], date__gte=timezone.localdate() - timedelta(days=1)
        ).first()
    initial["session"] = session or services.todays_session(request.user)
    return initial


def _remember(request: HttpRequest, contact: Contact) -> None:
    request.session[REMEMBERED] = {
        "session": contact.session_id,
        "location": contact.location,
        "hotspot": contact.hotspot_id,
    }


@login_required
def contact_create(request: HttpRequest) -> HttpResponse:
    """Log a contact with a known person (?client=) or an unidentified sighting."""
    access.require(request.user, access.perm(Contact, "add"))
    wanted = request.GET.get("client")
    client = person_for_record(request, wanted) if wanted else None
    form = ContactForm(
        request.POST or None,
        instance=Contact(client=client),
        initial=_remembered(request),
        unidentified=client is None,
    )
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        try:
            services.log_contact(contact, by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            _remember(request, contact)
            who = client.full_name if client else "Unidentified sighting"
            messages.success(request, f"{who}: contact logged.")
            return redirect(safe_next(request) or contact.session or client or contact)
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "client": client,
            "title": "Log a contact" if client else "Log an unidentified sighting",
            "next": safe_next(request) or "",
        },
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_visible(request.user, Contact, pk, write=True)
    if contact.holds_special_category and not may_see_special_category(
        request.user, contact.client
    ):
        # Nobody changes what they may not read: the needs or a sensitive note are restricted.
        raise PermissionDenied
    form = ContactForm(request.POST or None, instance=contact, unidentified=not contact.client_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contact(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Contact saved.")
            return redirect(contact)
    return render(
        request,
        "outreach/contact_form.html",
        {"form": form, "client": contact.client, "title": "Change contact", "contact": contact},
    )


@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = access.get_visible(request.user, Contact, pk)
    coordinates = f"{c.latitude}, {c.longitude}" if c.latitude is not None else ""
    sees_special = may_see_special_category(request.user, c.client)
    needs = ", ".join(c.needs_observed_labels() if sees_special else c.ordinary_needs_labels())
    if not sees_special and c.special_needs_observed:
        needs = ", ".join(filter(None, [needs, "health, offending or immigration needs: held"]))
    rows = [
        ("Person", c.client or "Not identified"),
        ("Description", c.description),
        ("When", c.at),
        ("Kind", c.get_kind_display()),
        ("Bedded down", "Yes" if c.bedded_down else "No"),
        ("How it was verified", c.get_verification_display()),
        ("Engagement", c.get_engagement_display()),
        ("Location", c.location),
        ("Hotspot", c.hotspot),
        ("Coordinates", coordinates),
        ("Needs observed", needs),
        ("Notes", note_seen_by(request.user, c.client, c.notes, sensitive=c.sensitive)),
        ("Session", c.session),
        ("Worker", c.worker.get_full_name() or c.worker.username),
    ]
    actions = []
    if c.client_id is None and access.can_change(request.user, Contact):
        actions.append(("Link to a person", reverse("outreach:contact_link", args=[pk])))
        if access.can_add_for(request.user, Client):
            actions.append(
                ("Make a new person record", reverse("outreach:contact_new_person", args=[pk]))
            )
    return record_page(
        request,
        c,
        rows,
        edit_url=reverse("outreach:contact_edit", args=[pk]),
        actions=actions,
        title="Unidentified sighting" if c.client_id is None else "Contact",
        history=history_of(c, mask=history_mask(request.user, c.client)),
        break_glass_url=reverse("clients:break_glass", args=[c.client_id])
        if c.client is not None
        and c.holds_special_category
        and may_break_glass(request.user, c.client)
        else "",
    )


@login_required
def sighting_list(request: HttpRequest) -> HttpResponse:
    """Unidentified sightings, newest first, searchable by description or place."""
    access.require(request.user, access.perm(Contact, "view"))
    form = LinkSearchForm(request.GET or None)
    sightings = (
        access.visible(request.user, Contact.objects.all())
        .unidentified()
        .select_related("hotspot", "worker")
    )
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    for word in text.split():
        sightings = sightings.filter(
            Q(description__icontains=word)
            | Q(location__icontains=word)
            | Q(hotspot__name__icontains=word)
        )
    page = page_of(request, sightings)
    return render(
        request,
        "outreach/sighting_list.html",
        {"page": page, "form": form, "can_log": access.can_add_for(request.user, Contact)},
    )


def _people_matching(request: HttpRequest, text: str) -> QuerySet[Client]:
    """People found by name, alias, known-as or reference, or by the description of a sighting
    already linked to them."""
    people = visible_clients(request.user)
    if not text.strip():
        return people.none()
    by_description = Contact.objects.identified()
    for word in text.split():
        by_description = by_description.filter(description__icontains=word)
    return with_alerts(
        people.filter(
            Q(pk__in=people.search(text).values("pk"))
            | Q(pk__in=by_description.values("client_id"))
        ).order_by("last_name", "first_name", "id")
    )[:25]


@login_required
def contact_link(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    contact = access.get_visible(request.user, Contact, pk, write=True)
    if request.method == "POST":
        person = person_for_record(request, request.POST.get("client"))
        try:
            services.link_contact(contact, person, by=request.user)
        except services.OutreachError as error:
            messages.error(request, str(error))
            return redirect(contact)
        messages.success(request, f"Sighting linked to {person.full_name} ({person.reference}).")
        return redirect(person)
    form = LinkSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    people = list(_people_matching(request, text)) if text else []
    if text:
        reads.note([p.pk for p in people], "search")
    context = {
        "contact": contact,
        "form": form,
        "people": people,
        "searched": bool(text),
        "can_add_person": access.can_add_for(request.user, Client),
    }
    template = "outreach/_link_results.html" if request.htmx else "outreach/contact_link.html"
    return render(request, template, context)


@login_required
def contact_new_person(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_visible(request.user, Contact, pk, write=True)
    access.require(request.user, access.perm(Client, "add"))
    if contact.client_id is not None:
        messages.info(request, "This sighting is already linked to a person.")
        return redirect(contact)
    form = ClientForm(request.POST or None)
    confirm = ConfirmDistinctForm(request.POST or None)
    candidates: list[Client] = []
    if request.method == "POST" and form.is_valid() and confirm.is_valid():
        try:
            person = services.identify_as_new_person(
                contact,
                form.model_fields(),
                aliases=form.alias_list(),
                by=request.user,
                confirmed_distinct=confirm.cleaned_data["confirmed_distinct"],
            )
        except client_services.PossibleDuplicates as duplicates:
            candidates = duplicates.candidates
        except (services.OutreachError, client_services.ClientError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{person.full_name} added as {person.reference}; sighting linked."
            )
            return redirect(person)
    return render(
        request,
        "clients/client_form.html",
        {
            "form": form,
            "candidates": possible_matches(candidates),
            "confirm": confirm,
            "title": "New person from a sighting",
            "sighting": contact,
        },
    )


@login_required
def seen_recently(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Contact, "view"))
    try:
        days = int(request.GET.get("days", 14))
    except ValueError:
        days = 14
    if days not in figures.RECENT_WINDOWS:
        days = 14
    today = timezone.localdate()
    reads.note([], "seen rough sleeping")
    page = page_of(
        request,
        with_alerts(
            figures.seen_rough_sleeping(
                visible_clients(request.user), days=days, today=today
            ).select_related("key_worker")
        ),
    )
    for person in page:
        person.days_since_first_seen = figures.days_since(person.first_seen_at, today)  # type: ignore[attr-defined]  # for the page
    return render(
        request,
        "outreach/seen_recently.html",
        {
            "people": page.object_list,
            "page": page,
            "query": f"days={days}",
            "days": days,
            "windows": figures.RECENT_WINDOWS,
        },
    )


# Hotspots


@login_required
def hotspot_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Hotspot, "view"))
    sightings = figures.hotspot_sightings(28)
    hotspots = page_of(
        request, access.visible(request.user, Hotspot.objects.order_by("name", "pk"))
    )
    for h in hotspots:
        h.recent = sightings.get(h.pk, 0)  # type: ignore[attr-defined]  # for the page
    # The map shows the page's hotspots (the list is its text alternative), and only when there
    # is a tile server to draw it on and something to put on it.
    show_map = bool(settings.MAP_TILE_URL) and any(h.on_map for h in hotspots)
    return render(
        request,
        "outreach/hotspot_list.html",
        {
            "hotspots": hotspots,
            "can_add": access.can_add_for(request.user, Hotspot),
            "map_tiles": settings.MAP_TILE_URL if show_map else "",
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = access.get_visible(request.user, Hotspot, pk)
    counts = figures.sightings_at(hotspot, (7, 28, 90))
    rows = [
        ("Area", hotspot.area),
        ("Description", hotspot.description),
        ("In use", "Yes" if hotspot.active else "No"),
        (
            "Latitude, longitude",
            f"{hotspot.latitude}, {hotspot.longitude}" if hotspot.on_map else "Not given",
        ),
        ("Bedded-down sightings, last 7 days", str(counts[7])),
        ("Last 28 days", str(counts[28])),
        ("Last 90 days", str(counts[90])),
    ]
    months = figures.hotspot_months(hotspot)
    sightings = None
    if can_see_people(request.user):
        # page_of notes the people on the page as read (the access log's).
        month_start, _ = day_bounds(months[-1]["month"], months[-1]["month"])
        sightings = page_of(
            request,
            access.visible(request.user, Contact.objects.all())
            .filter(hotspot=hotspot, at__gte=month_start)
            .select_related("client", "worker")
            .order_by("-at", "-id"),
        )
    return record_page(
        request,
        hotspot,
        rows,
        edit_url=reverse("outreach:hotspot_edit", args=[pk]),
        template="outreach/hotspot_detail.html",
        months=months,
        chart=hotspot_chart(months),
        this_month=months[-1]["label"],
        sightings=sightings,
        client=None,
    )


@login_required
def hotspot_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(Hotspot, "add"))
        hotspot = Hotspot()
    else:
        hotspot = access.get_visible(request.user, Hotspot, pk, write=True)
    form = HotspotForm(request.POST or None, instance=hotspot)
    if request.method == "POST" and form.is_valid():
        hotspot = services.save_hotspot(form.save(commit=False), by=request.user)
        messages.success(request, f"{hotspot.name} saved.")
        return redirect(hotspot)
    return form_page(
        request,
        form,
        "Change hotspot" if pk else "New hotspot",
        cancel_url=reverse("outreach:hotspot_list"),
    )


def home_part(request: HttpRequest) -> HomePart | None:
    """The home page's first button for outreach: today's session, or starting one."""
    user = request.user
    if not access.can(user, "outreach.view_outreachsession"):
        return None
    return HomePart(
        "outreach/_home.html",
        {
            "todays_session": services.todays_session(user),
            "can_start_session": access.can(user, "outreach.add_outreachsession"),
        },
    )
