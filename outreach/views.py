"""Outreach pages: sessions, contacts and sightings, hotspots, reports, interventions, SWEP and
the annual count. Each view parses input, checks access, calls outreach.services and renders."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clients import services as client_services
from clients.forms import ClientForm, ConfirmDistinctForm
from clients.models import Client, normal_reference
from mars import access
from mars.dates import day_bounds
from mars.history import history_entries
from outreach import figures, services
from outreach.forms import (
    AllocateForm,
    AttemptForm,
    ContactForm,
    CountedPersonForm,
    CountForm,
    HotspotForm,
    InterventionForm,
    LinkSearchForm,
    OutcomeForm,
    ReportForm,
    SessionForm,
    SwepActivationForm,
    SwepOfferForm,
)
from outreach.models import (
    Contact,
    ContactKind,
    CountedPerson,
    Engagement,
    Hotspot,
    Intervention,
    OutreachSession,
    PublicReport,
    ReportAttempt,
    ReportStatus,
    RoughSleepingCount,
    SevereWeatherActivation,
    SwepOffer,
    Verification,
)

PAGE_SIZE = 25
# What the contact form remembers between contacts, in the signed-in session.
REMEMBERED = "outreach_last_contact"


def _history(obj: Any, *extra: tuple[str, Any]) -> list[Any]:
    return history_entries(("", obj.history.select_related("history_user")), *extra)


def _detail(
    request: HttpRequest,
    obj: Any,
    rows: list[tuple[str, Any]],
    *,
    edit_url: str | None = None,
    template: str = "records/detail.html",
    history: list[Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "object": obj,
            "client": extra.pop("client", getattr(obj, "client", None)),
            "title": extra.pop("title", str(obj)),
            "rows": rows,
            "history": history if history is not None else _history(obj),
            "can_change": access.can_change(request.user, type(obj)),
            "edit_url": edit_url,
            **extra,
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        extra.pop("template", "records/form.html"),
        {"form": form, "title": title, **extra},
    )


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _person(request: HttpRequest, pk: object) -> Client:
    """A person new records can be made for: visible and not merged (merged ones are 404 here)."""
    client = access.get_visible(request.user, Client, pk)
    if client.is_merged:
        client = client_services.final_record(client)
    return client


def _time(value: Any) -> str:
    return value.strftime("%H:%M") if value else ""


# The outreach home


@login_required
def outreach_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(Contact, "view"))
    today = timezone.localdate()
    week_start, _ = day_bounds(today - timezone.timedelta(days=6), today)
    people = access.visible_clients(user)
    context = {
        "todays_session": services.todays_session(user),
        "can_add_session": access.can_add_for(user, OutreachSession),
        "can_log": access.can_add_for(user, Contact),
        "unidentified_this_week": access.visible(user, Contact)
        .unidentified()
        .filter(at__gte=week_start)
        .count(),
        "overdue_reports": access.visible(user, PublicReport).overdue().count(),
        "live_reports": access.visible(user, PublicReport).live().count(),
        "seen_14": figures.seen_rough_sleeping(people, days=14).count(),
        "upcoming": services.next_sessions().prefetch_related("staff")[:5],
    }
    return render(request, "outreach/home.html", context)


# Sessions


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(OutreachSession, "view"))
    sessions = (
        access.visible(request.user, OutreachSession)
        .prefetch_related("staff", "partners")
        .order_by("-date", "-start_time", "-id")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
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
    return _form_page(
        request,
        form,
        "Start today's session"
        if request.GET.get("today")
        else ("Change session" if pk else "New session"),
        cancel_url=reverse("outreach:session_list"),
        submit_label="Start session" if request.GET.get("today") else "Save",
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_visible(request.user, OutreachSession, pk)
    staff = ", ".join(u.get_full_name() or u.username for u in session.staff.all())
    partners = [a.name for a in session.partners.all()]
    if session.other_partners:
        partners.append(session.other_partners)
    rows = [
        ("Date", session.date),
        ("Time", f"{_time(session.start_time)} to {_time(session.end_time) or 'not ended yet'}"),
        ("Area or route", session.area),
        ("Staff", staff),
        ("Partners present", ", ".join(partners) or "None"),
        ("Notes", session.notes),
    ]
    contacts = (
        access.visible(request.user, Contact)
        .filter(session=session)
        .select_related("client", "hotspot", "worker")
    )
    return _detail(
        request,
        session,
        rows,
        edit_url=reverse("outreach:session_edit", args=[pk]),
        template="outreach/session_detail.html",
        title=f"Session {session.date:%d/%m/%Y}",
        contacts=contacts,
        reports=access.visible(request.user, PublicReport).filter(allocated_session=session).live(),
        can_log=access.can_add_for(request.user, Contact),
        history=history_entries(("", session.history.select_related("history_user"))),
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
            pk=remembered["session"], date__gte=timezone.localdate() - timezone.timedelta(days=1)
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
    client = _person(request, request.GET["client"]) if request.GET.get("client") else None
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
            return redirect(_safe_next(request) or contact.session or client or contact)
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "client": client,
            "title": "Log a contact" if client else "Log an unidentified sighting",
            "next": _safe_next(request) or "",
        },
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_visible(request.user, Contact, pk, write=True)
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
        ("Needs observed", ", ".join(c.needs_observed_labels())),
        ("Notes", c.notes),
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
    return _detail(
        request,
        c,
        rows,
        edit_url=reverse("outreach:contact_edit", args=[pk]),
        actions=actions,
        title="Unidentified sighting" if c.client_id is None else "Contact",
    )


@login_required
def sighting_list(request: HttpRequest) -> HttpResponse:
    """Unidentified sightings, newest first, searchable by description or place."""
    access.require(request.user, access.perm(Contact, "view"))
    form = LinkSearchForm(request.GET or None)
    sightings = (
        access.visible(request.user, Contact).unidentified().select_related("hotspot", "worker")
    )
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    for word in text.split():
        sightings = sightings.filter(
            Q(description__icontains=word)
            | Q(location__icontains=word)
            | Q(hotspot__name__icontains=word)
        )
    page = Paginator(sightings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/sighting_list.html",
        {"page": page, "form": form, "can_log": access.can_add_for(request.user, Contact)},
    )


def _people_matching(request: HttpRequest, text: str) -> QuerySet[Client]:
    """People found by name, alias, known-as or reference, or by the description of a sighting
    already linked to them."""
    people = access.visible_clients(request.user)
    if not text.strip():
        return people.none()
    by_description = Contact.objects.identified()
    for word in text.split():
        by_description = by_description.filter(description__icontains=word)
    return people.filter(
        Q(pk__in=people.search(text).values("pk")) | Q(pk__in=by_description.values("client_id"))
    ).order_by("last_name", "first_name", "id")[:25]


@login_required
def contact_link(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_visible(request.user, Contact, pk, write=True)
    if request.method == "POST":
        person = _person(request, request.POST.get("client"))
        try:
            services.link_contact(contact, person, by=request.user)
        except services.OutreachError as error:
            messages.error(request, str(error))
            return redirect(contact)
        messages.success(request, f"Sighting linked to {person.full_name} ({person.reference}).")
        return redirect(person)
    form = LinkSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "contact": contact,
        "form": form,
        "people": _people_matching(request, text) if text else [],
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
            "candidates": candidates,
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
    people = list(
        figures.seen_rough_sleeping(
            access.visible_clients(request.user), days=days, today=today
        ).select_related("key_worker")
    )
    for person in people:
        person.days_since_first_seen = figures.days_since(person.first_seen_at, today)
    return render(
        request,
        "outreach/seen_recently.html",
        {"people": people, "days": days, "windows": figures.RECENT_WINDOWS},
    )


# Hotspots


@login_required
def hotspot_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Hotspot, "view"))
    sightings = figures.hotspot_sightings(28)
    hotspots = list(access.visible(request.user, Hotspot))
    for h in hotspots:
        h.recent = sightings.get(h.pk, 0)
    return render(
        request,
        "outreach/hotspot_list.html",
        {"hotspots": hotspots, "can_add": access.can_add_for(request.user, Hotspot)},
    )


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = access.get_visible(request.user, Hotspot, pk)
    counts = {days: figures.hotspot_sightings(days).get(hotspot.pk, 0) for days in (7, 28, 90)}
    rows = [
        ("Area", hotspot.area),
        ("Description", hotspot.description),
        ("In use", "Yes" if hotspot.active else "No"),
        ("Bedded-down sightings, last 7 days", str(counts[7])),
        ("Last 28 days", str(counts[28])),
        ("Last 90 days", str(counts[90])),
    ]
    contacts = []
    if access.can_see_people(request.user):
        contacts = (
            access.visible(request.user, Contact)
            .filter(hotspot=hotspot)
            .select_related("client", "worker")[:20]
        )
    return _detail(
        request,
        hotspot,
        rows,
        edit_url=reverse("outreach:hotspot_edit", args=[pk]),
        template="outreach/hotspot_detail.html",
        contacts=contacts,
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
        hotspot = form.save(commit=False)
        hotspot._history_user = request.user
        hotspot.save()
        messages.success(request, f"{hotspot.name} saved.")
        return redirect(hotspot)
    return _form_page(
        request,
        form,
        "Change hotspot" if pk else "New hotspot",
        cancel_url=reverse("outreach:hotspot_list"),
    )


# Reports from the public


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(PublicReport, "view"))
    show = request.GET.get("show", "live")
    reports = access.visible(request.user, PublicReport).select_related(
        "allocated_session", "hotspot"
    )
    if show == "overdue":
        reports = reports.overdue()
    elif show == "live":
        reports = reports.live()
    else:
        show = "all"
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/report_list.html",
        {
            "page": page,
            "show": show,
            "overdue": access.visible(request.user, PublicReport).overdue().count(),
            "can_add": access.can_add_for(request.user, PublicReport),
            "now": timezone.now(),
        },
    )


@login_required
def report_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(PublicReport, "add"))
        report = PublicReport()
        initial = {"received_at": timezone.localtime().replace(second=0, microsecond=0)}
    else:
        report = access.get_visible(request.user, PublicReport, pk, write=True)
        initial = {}
    form = ReportForm(request.POST or None, instance=report, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_report(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report saved.")
            return redirect(report)
    return _form_page(
        request,
        form,
        "Change report" if pk else "New report from the public",
        cancel_url=reverse("outreach:report_list"),
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get_visible(request.user, PublicReport, pk)
    waited = r.time_to_first_attempt
    rows = [
        ("Received", r.received_at),
        ("Source", r.get_source_display()),
        ("Source reference", r.source_reference),
        ("Location", r.location),
        ("Hotspot", r.hotspot),
        ("Description", r.description),
        ("Reporter", f"{r.reporter_name} {r.reporter_contact}".strip() or "Not kept"),
        ("Status", r.get_status_display() + (" (overdue)" if r.is_overdue() else "")),
        ("Time to first attempt", _duration(waited) if waited else "No attempt yet"),
        ("Allocated to", r.allocated_session),
        ("Found: contact", r.found_contact),
        ("Outcome", r.outcome),
    ]
    live = r.status in (ReportStatus.OPEN, ReportStatus.SEARCHING)
    can_change = access.can_change(request.user, PublicReport)
    return _detail(
        request,
        r,
        rows,
        edit_url=reverse("outreach:report_edit", args=[pk]),
        template="outreach/report_detail.html",
        client=r.client,
        attempts=r.attempts.select_related("by", "session"),
        live=live,
        can_act=can_change,
        history=_history(
            r,
            (
                "Attempt",
                ReportAttempt.history.filter(report_id=r.pk).select_related("history_user"),
            ),
        ),
    )


def _duration(value: timezone.timedelta) -> str:
    hours = int(value.total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} hours"
    minutes = int(value.total_seconds() // 60) % 60
    return f"{hours} hours {minutes} minutes"


@login_required
def report_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_visible(request.user, PublicReport, pk, write=True)
    access.require(request.user, access.perm(ReportAttempt, "add"))
    since = timezone.now() - timezone.timedelta(days=3)
    contacts = access.visible(request.user, Contact).filter(at__gte=since).select_related("client")
    form = AttemptForm(request.POST or None, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attempt(
                report,
                at=form.cleaned_data["at"],
                notes=form.cleaned_data["notes"],
                session=form.cleaned_data["session"],
                found_contact=form.cleaned_data["found_contact"],
                by=request.user,
            )
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Attempt recorded.")
            return redirect(report)
    return _form_page(
        request, form, "Record an attempt to find the person", cancel_url=report.get_absolute_url()
    )


@login_required
def report_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_visible(request.user, PublicReport, pk, write=True)
    sessions = services.next_sessions()
    form = AllocateForm(
        request.POST or None, sessions=sessions, initial={"session": sessions.first()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_report(report, form.cleaned_data["session"], by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report allocated.")
            return redirect(report)
    return _form_page(
        request,
        form,
        "Allocate to a session",
        intro=None if sessions.exists() else "No session is planned yet: add one first.",
        cancel_url=report.get_absolute_url(),
    )


def _report_outcome(request: HttpRequest, pk: int, *, closing: bool) -> HttpResponse:
    report = access.get_visible(request.user, PublicReport, pk, write=True)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = services.close_report if closing else services.mark_not_found
        try:
            action(report, outcome=form.cleaned_data["outcome"], by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report closed." if closing else "Report marked not found.")
            return redirect(report)
    return _form_page(
        request,
        form,
        "Close the report" if closing else "Not found after attempts",
        cancel_url=report.get_absolute_url(),
    )


@login_required
def report_not_found(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_outcome(request, pk, closing=False)


@login_required
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_outcome(request, pk, closing=True)


# Interventions


def _intervention_form(
    request: HttpRequest, intervention: Intervention, title: str
) -> HttpResponse:
    form = InterventionForm(request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.save_intervention(form.save(commit=False), by=request.user)
        except services.OutreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Intervention saved.")
            return redirect(intervention)
    return _form_page(request, form, title, client=intervention.client)


@login_required
def intervention_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = _person(request, pk)
    access.require(request.user, access.perm(Intervention, "add"))
    return _intervention_form(
        request,
        Intervention(client=client, opened=timezone.localdate()),
        "New intervention",
    )


@login_required
def intervention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = access.get_visible(request.user, Intervention, pk, write=True)
    return _intervention_form(request, intervention, "Change intervention")


@login_required
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    i = access.get_visible(request.user, Intervention, pk)
    rows = [
        ("Person", i.client),
        ("Kind", i.get_kind_display()),
        ("Opened", i.opened),
        ("Worker", i.worker.get_full_name() or i.worker.username),
        ("Notes", i.notes),
    ]
    if i.is_reconnection:
        rows += [
            ("Destination area", i.destination),
            ("How the local connection was verified", i.local_connection_verified_by),
            ("Travel arranged", i.travel_arranged),
        ]
    rows += [
        ("Closed", i.closed or "Open"),
        ("Outcome", i.get_outcome_display()),
        ("Outcome notes", i.outcome_notes),
    ]
    return _detail(request, i, rows, edit_url=reverse("outreach:intervention_edit", args=[pk]))


# SWEP


@login_required
def swep_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(SevereWeatherActivation, "view"))
    activations = access.visible(request.user, SevereWeatherActivation).select_related(
        "activated_by"
    )
    return render(
        request,
        "outreach/swep_list.html",
        {
            "activations": activations,
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
        tomorrow_morning = (now + timezone.timedelta(days=1)).replace(hour=9, minute=0)
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
    return _form_page(
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
    people = figures.swep_people(activation, access.visible_clients(request.user))
    return _detail(
        request,
        activation,
        rows,
        edit_url=reverse("outreach:swep_edit", args=[pk]),
        template="outreach/swep_detail.html",
        client=None,
        title=str(activation),
        summary=figures.swep_summary(activation),
        people=people,
        offers=access.visible(request.user, SwepOffer)
        .filter(activation=activation)
        .select_related("client"),
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
    return _form_page(
        request, form, title, client=offer.client, cancel_url=offer.activation.get_absolute_url()
    )


@login_required
def swep_offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    activation = access.get_visible(request.user, SevereWeatherActivation, pk)
    access.require(request.user, access.perm(SwepOffer, "add"))
    client = _person(request, request.GET.get("client") or request.POST.get("client"))
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
    return _detail(request, o, rows, edit_url=reverse("outreach:swep_offer_edit", args=[pk]))


# The annual count or estimate


@login_required
def count_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(RoughSleepingCount, "view"))
    counts = list(access.visible(request.user, RoughSleepingCount).order_by("-night")[:6])
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
    return _form_page(
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
                    access.visible_clients(request.user)
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
    people = count.people.select_related("client") if access.can_see_people(request.user) else []
    return _detail(
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
        history=_history(
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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="rough-sleeping-snapshot-{count.night.year}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["year", "night", "method", "group", "category", "people"])
    base = [count.night.year, count.night.isoformat(), count.method]
    writer.writerow([*base, "total", "total", totals.total])
    for name, choices in figures.GROUPS.items():
        for value in choices.values:
            writer.writerow([*base, name, value, getattr(totals, name)[value]])
    return response
