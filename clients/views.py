"""Pages for people, their support plans, referrals and health access, and agencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from clients import countries, services
from clients.access import (
    HELD,
    SENSITIVE_NOTE_HELD,
    can_fix_nationalities,
    can_merge_clients,
    can_see_people,
    get_client,
    history_mask,
    may_break_glass,
    may_change_discharge,
    may_remove_discharge,
    may_see_special_category,
    nationalities_to_fix,
    people_whose_special_category_is_seen,
    visible_clients,
    with_need_seen_by,
)
from clients.consent_views import consent_context, form_error, sharing_rows
from clients.forms import (
    AgencyForm,
    BreakGlassForm,
    ClientForm,
    ClientSearchForm,
    ConfirmDistinctForm,
    DischargeForm,
    GoalFormSet,
    HealthAccessForm,
    LawfulBasisFields,
    MergeChooseForm,
    ReferralForm,
    SupportPlanForm,
    goal_rows,
    with_consent_filter,
)
from clients.models import (
    Agency,
    BreakGlass,
    Client,
    ClientAlias,
    Discharge,
    HealthAccess,
    Referral,
    SupportGoal,
    SupportPlan,
    normal_reference,
)
from mars import access, reads
from mars.history import history_entries
from mars.home import HomePart
from mars.pages import HtmxHttpRequest, page_of
from mars.people import last_seen, with_alerts
from mars.person_page import actions_for, sections_for
from mars.timeline import BadCursor, decode_cursor, timeline_for


def _client_or_redirect(
    request: HttpRequest, pk: int, *, write: bool = False
) -> Client | HttpResponse:
    client = get_client(request.user, pk, write=write)
    if client.is_merged:
        survivor = services.final_record(client)
        messages.info(request, f"{client.reference} was merged into {survivor.reference}.")
        return redirect(survivor)
    return client


@login_required
def client_list(request: HtmxHttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Client, "view"))
    form = ClientSearchForm(request.GET or None)
    people = with_alerts(
        visible_clients(request.user).select_related("key_worker").prefetch_related("aliases")
    )
    if form.is_valid():
        if form.cleaned_data["q"]:
            reads.note([], "search")
        people = people.search(form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            people = people.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["key_worker"]:
            people = people.filter(key_worker=form.cleaned_data["key_worker"])
        if form.cleaned_data["need"]:
            people = with_need_seen_by(request.user, people, form.cleaned_data["need"])
        if form.cleaned_data["consent"]:
            people = with_consent_filter(people, form.cleaned_data["consent"], timezone.localdate())
        if form.cleaned_data["public_funds"]:
            people = people_whose_special_category_is_seen(
                request.user, people.filter(public_funds=form.cleaned_data["public_funds"])
            )
    page = page_of(request, people.order_by("last_name", "first_name", "id"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        # Each person with the actions other apps start from a list (Log contact).
        "rows": [
            (person, [a for a in actions_for(person, request.user) if a.in_lists])
            for person in page
        ],
        "query": query.urlencode(),
        "can_add": access.can_add_for(request.user, Client),
        "nationalities_to_fix": nationalities_to_fix(request.user).count()
        if can_fix_nationalities(request.user) and not request.htmx
        else 0,
    }
    template = "clients/_client_results.html" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


@dataclass(frozen=True)
class PossibleMatch:
    client: Client
    age: int | None
    last_seen: str


def possible_matches(candidates: list[Client]) -> list[PossibleMatch]:
    """The duplicate warning's rows: each candidate with their age, if known, and when and where
    they were last seen."""
    seen = last_seen([c.pk for c in candidates])
    today = timezone.localdate()
    return [PossibleMatch(c, c.age_on(today), seen.get(c.pk, "")) for c in candidates]


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Client, "add"))
    form = ClientForm(request.POST or None, initial={"first_name": request.GET.get("name", "")})
    confirm = ConfirmDistinctForm(request.POST or None)
    candidates: list[Client] = []
    if request.method == "POST" and form.is_valid() and confirm.is_valid():
        try:
            client = services.create_client(
                form.model_fields(),
                aliases=form.alias_list(),
                by=request.user,
                confirmed_distinct=confirm.cleaned_data["confirmed_distinct"],
            )
        except services.PossibleDuplicates as duplicates:
            candidates = duplicates.candidates
        except services.ClientError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{client.full_name} added as {client.reference}.")
            return redirect(client)
    return render(
        request,
        "clients/client_form.html",
        {
            "form": form,
            "candidates": possible_matches(candidates),
            "confirm": confirm,
            "title": "Add a person",
        },
    )


@login_required
def client_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = _client_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    client = found
    user = request.user
    try:
        before = decode_cursor(request.GET["before"]) if request.GET.get("before") else None
    except BadCursor as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    timeline = timeline_for(client, user, before=before)
    if request.htmx and before is not None:
        # "Show more": only the older entries, appended in place, and the next link.
        response = render(
            request,
            "clients/_timeline_more.html",
            {"client": client, "timeline": timeline, "more": True},
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    sees_special = may_see_special_category(user, client)
    history = history_entries(
        ("", client.history.select_related("history_user")),
        ("Alias", ClientAlias.history.filter(client_id=client.pk).select_related("history_user")),
        mask=history_mask(user, client),
    )
    health_access = access.visible(user, client.health_access.all())
    discharges = access.visible(user, client.discharges.all())
    context = {
        "client": client,
        "nationality_name": countries.name_of(client.nationality),
        "sees_special": sees_special,
        "can_break_glass": may_break_glass(user, client),
        "held": HELD,
        # Those who may not see health access read how many records are held, not what.
        "health_held": 0 if sees_special else health_access.count(),
        "aliases": client.aliases.all(),
        # Each kind of record only for those whose role reads it (the A2A panel reads none).
        "support_plans": access.visible(user, client.support_plans.all()).prefetch_related(
            "agencies", "goals"
        ),
        "referrals": access.visible(user, client.referrals.select_related("agency")),
        "health_access": health_access if sees_special else [],
        # Discharges likewise: how many are held, not what or when.
        "discharges": discharges if sees_special else [],
        "discharges_held": 0 if sees_special else discharges.count(),
        # A deleted one's last version, with who deleted it and when: its page has gone with it.
        "discharges_removed": (
            Discharge.history.filter(client_id=client.pk, history_type="-")
            .select_related("history_user")
            .order_by("-history_date")
            if sees_special
            else []
        ),
        "can_see_discharges": access.can(user, access.perm(Discharge, "view")),
        "can_add_discharge": access.can_add_for(user, Discharge),
        "can_see_plans": access.can(user, access.perm(SupportPlan, "view")),
        "can_see_referrals": access.can(user, access.perm(Referral, "view")),
        "can_see_health": access.can(user, access.perm(HealthAccess, "view")),
        "merged_duplicates": client.merged_duplicates.all(),
        **consent_context(client, user),
        "history": history,
        "timeline": timeline,
        "timeline_older": before is not None,
        "sections": sections_for(client, user),
        "actions": actions_for(client, user),
        "can_change": access.can_change(user, Client),
        "can_merge": can_merge_clients(user),
        "can_add_plan": access.can_add_for(user, SupportPlan),
        "can_add_referral": access.can_add_for(user, Referral),
        "can_add_health": access.can_add_for(user, HealthAccess),
    }
    response = render(request, "clients/client_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back_to(request: HttpRequest) -> str | None:
    """The page that sent someone to fix a record (?next=, as the RSDF return's checks do), to go
    back to once it is saved: a path on this site only, never another site's address."""
    back = request.GET.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return None


# The nationalities-to-fix list sends people to the form with ?from=nationalities: saving returns
# there, to the next one.
FROM_NATIONALITIES = "nationalities"


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _client_or_redirect(request, pk, write=True)
    if isinstance(found, HttpResponse):
        return found
    client = found
    form = ClientForm(
        request.POST or None,
        instance=client,
        sees_special_category=may_see_special_category(request.user, client),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(
                client, form.model_fields(), aliases=form.alias_list(), by=request.user
            )
        except services.ClientError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Changes saved.")
            if request.GET.get("from") == FROM_NATIONALITIES:
                return redirect("clients:nationalities_to_fix")
            return redirect(_back_to(request) or client.get_absolute_url())
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": client, "title": f"Change {client.full_name}"},
    )


@login_required
def client_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator merges this (duplicate) record into the one that stays."""
    access.require(request.user, "clients.merge_client")
    found = _client_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    duplicate = found
    form = MergeChooseForm(request.POST or request.GET or None)
    survivor = None
    if form.is_bound and form.is_valid():
        reference = normal_reference(form.cleaned_data["survivor"])
        survivor = (
            visible_clients(request.user)
            .exclude(pk=duplicate.pk)
            .filter(reference=reference)
            .first()
        )
        if survivor is None:
            form.add_error("survivor", "No other person has that reference.")
        elif request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                summary = services.merge_clients(duplicate, survivor, by=request.user)
            except services.ClientError as error:
                form.add_error(None, str(error))
            else:
                moved = (
                    ", ".join(f"{n} {what}" for what, n in summary.moved.items()) or "no records"
                )
                messages.success(
                    request,
                    f"{duplicate.reference} merged into {survivor.reference} ({moved} moved).",
                )
                return redirect(survivor)
    return render(
        request,
        "clients/client_merge.html",
        {
            "duplicate": duplicate,
            "survivor": survivor if not form.errors else None,
            "form": form,
            "moving": services.records_to_move(duplicate),
        },
    )


# Records about a person: support plans, referrals, health access.


def _record_page(
    request: HttpRequest,
    obj: models.Model,
    rows: list[tuple[str, Any]],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    model = type(obj)
    client = getattr(obj, "client", None)
    # Every record shown here keeps history (simple-history adds `history` to its class).
    sources: list[tuple[str, Any]] = [("", obj.history.select_related("history_user"))]  # type: ignore[attr-defined]
    if isinstance(obj, SupportPlan):
        goal_history = SupportGoal.history.filter(plan_id=obj.pk).select_related("history_user")
        sources.append(("Goal", goal_history))
    extra = dict(extra or {})
    return render(
        request,
        "records/detail.html",
        {
            "object": obj,
            "client": client,
            "title": extra.pop("title", str(obj)),
            "rows": rows,
            "history": history_entries(*sources, mask=history_mask(request.user, client)),
            "can_change": access.can_change(request.user, model),
            "edit_url": reverse(f"clients:{_url_name(model)}_edit", args=[obj.pk]),
            **extra,
        },
    )


def _url_name(model: type[models.Model]) -> str:
    return {
        SupportPlan: "support_plan",
        Referral: "referral",
        HealthAccess: "health_access",
        Discharge: "discharge",
    }[model]


def _form_page(
    request: HttpRequest, form: Any, client: Client, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "records/form.html",
        {"form": form, "client": client, "title": title, **extra},
    )


def _person_for_new_record(
    request: HttpRequest, pk: int, model: type[models.Model]
) -> Client | HttpResponse:
    found = _client_or_redirect(request, pk)
    if not isinstance(found, HttpResponse):
        access.require(request.user, access.perm(model, "add"))
    return found


@login_required
def support_plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_for_new_record(request, pk, SupportPlan)
    if isinstance(found, HttpResponse):
        return found
    return _support_plan_form(request, SupportPlan(client=found), "New support plan")


@login_required
def support_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_visible(request.user, SupportPlan, pk, write=True)
    return _support_plan_form(request, plan, "Change support plan")


def _support_plan_form(request: HttpRequest, plan: SupportPlan, title: str) -> HttpResponse:
    form = SupportPlanForm(request.POST or None, instance=plan)
    sees_special = may_see_special_category(request.user, plan.client)
    # A sensitive goal note its writer may not read is neither shown nor changed (kept as it is).
    held_goals = (
        set()
        if sees_special or not plan.pk
        else {g.pk for g in plan.goals.all() if g.sensitive and g.notes}
    )
    initial = (
        [
            {
                "id": g.pk,
                "description": g.description,
                "status": g.status,
                "target_date": g.target_date,
                "notes": SENSITIVE_NOTE_HELD if g.pk in held_goals else g.notes,
                "sensitive": g.sensitive,
            }
            for g in plan.goals.all()
        ]
        if plan.pk
        else []
    )
    goals = GoalFormSet(request.POST or None, initial=initial, prefix="goals")
    for goal_form in goals.forms:
        if goal_form.initial.get("id") in held_goals:
            # Shown as held and not editable: what is typed over it could never be saved.
            for name in ("notes", "sensitive"):
                goal_form.fields[name].disabled = True
            goal_form.fields["notes"].help_text = (
                "Sensitive: only the person's key worker or the coordinator reads or changes "
                "this note."
            )
    if request.method == "POST" and form.is_valid() and goals.is_valid():
        rows = goal_rows(goals)
        for row in rows:
            if row.get("id") in held_goals:
                row.pop("notes", None)
                row.pop("sensitive", None)
        try:
            plan = services.save_support_plan(
                form.save(commit=False),
                agencies=form.cleaned_data["agencies"],
                goals=rows,
                by=request.user,
                **form.sharing_basis(),
            )
        except services.ClientError as error:
            form_error(form, error)
        else:
            messages.success(request, "Support plan saved.")
            return redirect(plan)
    return _form_page(request, form, plan.client, title, goals=goals)


@login_required
def support_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_visible(request.user, SupportPlan, pk)
    rows = [
        ("Person", plan.client),
        ("Start", plan.start),
        ("End", plan.end),
        ("Review date", plan.review_date),
        ("Agencies involved", ", ".join(a.name for a in plan.agencies.all()) or "None yet"),
        ("Summary", plan.summary),
        *sharing_rows(request.user, plan.sharing_without_consent.all()),
    ]
    goals = list(plan.goals.all())
    extra: dict[str, Any] = {"goals": goals}
    if not may_see_special_category(request.user, plan.client):
        for goal in goals:
            if goal.sensitive and goal.notes:
                goal.notes = SENSITIVE_NOTE_HELD
                extra["break_glass_url"] = _break_glass_url(request, plan.client)
    return _record_page(request, plan, rows, extra)


def _break_glass_url(request: HttpRequest, client: Client) -> str:
    """The urgent action, for one who may take it (empty for those who may not)."""
    if may_break_glass(request.user, client):
        return reverse("clients:break_glass", args=[client.pk])
    return ""


def _simple_record_form(
    request: HttpRequest, form_class: Any, instance: models.Model, client: Client, title: str
) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        basis = form.sharing_basis() if isinstance(form, LawfulBasisFields) else {}
        try:
            record = services.save_person_record(form.save(commit=False), by=request.user, **basis)
        except services.ClientError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{str(record._meta.verbose_name).capitalize()} saved.")
            return redirect(record)
    return _form_page(request, form, client, title)


@login_required
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_for_new_record(request, pk, Referral)
    if isinstance(found, HttpResponse):
        return found
    return _simple_record_form(request, ReferralForm, Referral(client=found), found, "New referral")


@login_required
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_visible(request.user, Referral, pk, write=True)
    return _simple_record_form(request, ReferralForm, referral, referral.client, "Change referral")


def _timer_rows(r: Referral) -> list[tuple[str, Any]]:
    """How long it has waited (or took) and when its answer is due."""
    if not r.is_waiting:
        return [("Days to its answer", r.days_waiting())] if r.status_changed_on else []
    rows: list[tuple[str, Any]] = [
        ("Days waiting", r.days_waiting()),
        ("Answer due", r.response_due),
    ]
    if over := r.days_over():
        rows.append(("Days over", over))
    return rows


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get_visible(request.user, Referral, pk)
    rows = [
        ("Person", r.client),
        ("Direction", r.get_direction_display()),
        ("Agency", r.agency),
        ("Referred on", r.referred_on),
        ("Reason", r.reason),
        ("Status", r.get_status_display()),
        ("Status changed on", r.status_changed_on),
        *_timer_rows(r),
        ("Notes", r.notes),
        *sharing_rows(request.user, r.sharing_without_consent.all()),
    ]
    return _record_page(request, r, rows)


@login_required
def health_access_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_for_new_record(request, pk, HealthAccess)
    if isinstance(found, HttpResponse):
        return found
    return _simple_record_form(
        request, HealthAccessForm, HealthAccess(client=found), found, "Record health access"
    )


@login_required
def health_access_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_visible(request.user, HealthAccess, pk, write=True)
    if not may_see_special_category(request.user, record.client):
        # Nobody changes what they may not read (break glass reads; it does not write).
        raise PermissionDenied
    return _simple_record_form(
        request, HealthAccessForm, record, record.client, "Change health access"
    )


@login_required
def health_access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    h = access.get_visible(request.user, HealthAccess, pk)
    if may_see_special_category(request.user, h.client):
        rows = [
            ("Person", h.client),
            ("Kind", h.get_kind_display()),
            ("Date", h.date),
            ("Outcome", h.outcome),
            ("Notes", h.notes),
        ]
        return _record_page(request, h, rows)
    # Need to know: that a health record is held, and when, never what.
    rows = [("Person", h.client), ("Date", h.date), ("Health information", HELD)]
    return _record_page(
        request,
        h,
        rows,
        {
            "title": "Health access record",
            "can_change": False,
            "break_glass_url": _break_glass_url(request, h.client),
        },
    )


# Discharges from institutions: special category, like health access.


def _discharge_form(
    request: HttpRequest, discharge: Discharge, client: Client, title: str
) -> HttpResponse:
    form = DischargeForm(request.POST or None, instance=discharge)
    if request.method == "POST" and form.is_valid():
        try:
            if discharge.pk is None:
                discharge = services.record_discharge(
                    client, **form.fields_for_service(), by=request.user
                )
            else:
                discharge = services.change_discharge(
                    discharge, form.fields_for_service(), by=request.user
                )
        except services.ClientError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{discharge} saved.")
            return redirect(_back_to(request) or discharge.get_absolute_url())
    return _form_page(request, form, client, title)


@login_required
def discharge_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_for_new_record(request, pk, Discharge)
    if isinstance(found, HttpResponse):
        return found
    return _discharge_form(request, Discharge(client=found), found, "Record leaving an institution")


def _discharge_to_change(request: HttpRequest, pk: int, verb: str) -> Discharge:
    discharge = access.get_visible(request.user, Discharge, pk)
    allowed = may_change_discharge if verb == "change" else may_remove_discharge
    if not allowed(request.user, discharge):
        raise PermissionDenied
    return discharge


@login_required
def discharge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    discharge = _discharge_to_change(request, pk, "change")
    return _discharge_form(request, discharge, discharge.client, "Change leaving an institution")


@login_required
def discharge_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a discharge recorded in error (its history stays)."""
    discharge = _discharge_to_change(request, pk, "delete")
    if request.method == "POST":
        try:
            services.remove_discharge(discharge, by=request.user)
        except services.ClientError as error:
            messages.error(request, str(error))
            return redirect(discharge)
        messages.success(request, f"{discharge} deleted.")
        return redirect(discharge.client)
    return render(
        request,
        "clients/discharge_delete.html",
        {"discharge": discharge, "client": discharge.client},
    )


@login_required
def discharge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = access.get_visible(request.user, Discharge, pk)
    if may_see_special_category(request.user, d.client):
        rows = [
            ("Person", d.client),
            ("Left", d.get_kind_display()),
            ("Date they left", d.date),
            ("How it is known", d.get_evidence_display()),
            ("Notes", d.notes),
        ]
        actions = (
            [("Delete", reverse("clients:discharge_delete", args=[d.pk]))]
            if may_remove_discharge(request.user, d)
            else []
        )
        return _record_page(
            request,
            d,
            rows,
            {"can_change": may_change_discharge(request.user, d), "actions": actions},
        )
    # Need to know: that a discharge is held, never from what or when.
    rows = [("Person", d.client), ("Leaving an institution", HELD)]
    return _record_page(
        request,
        d,
        rows,
        {
            "title": "Leaving an institution",
            "can_change": False,
            "break_glass_url": _break_glass_url(request, d.client),
        },
    )


# Nationalities recorded as text no country was found for (clients/migrations/0013).


@login_required
def nationalities_to_fix_list(request: HttpRequest) -> HttpResponse:
    """The people whose nationality is still the text first written, with a link to set each."""
    if not can_fix_nationalities(request.user):
        raise PermissionDenied
    people = nationalities_to_fix(request.user).order_by(
        "nationality_as_recorded", "last_name", "id"
    )
    page = page_of(request, people)
    return render(request, "clients/nationalities_to_fix.html", {"page": page})


# Break glass: an urgent reading of restricted information, with a reason.


@login_required
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a reason, record the grant, notify the coordinators and show the person."""
    found = _client_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    client = found
    if may_see_special_category(request.user, client):
        messages.info(request, "You can already see this person's restricted information.")
        return redirect(client)
    access.require(request.user, access.perm(BreakGlass, "add"))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass(client, by=request.user, reason=form.cleaned_data["reason"])
        except services.ClientError as error:
            form.add_error("reason", str(error))
        else:
            minutes = settings.BREAK_GLASS_MINUTES
            messages.warning(
                request,
                f"You can see {client.full_name}'s restricted information for {minutes} minutes. "
                "The coordinator has been told, and each reading is logged with your reason.",
            )
            return redirect(client)
    return render(
        request,
        "clients/break_glass_form.html",
        {"form": form, "client": client, "minutes": settings.BREAK_GLASS_MINUTES},
    )


@login_required
def break_glass_list(request: HttpRequest) -> HttpResponse:
    """The coordinator's list of every break-glass reading: who, whom, why, when."""
    access.require(request.user, access.perm(BreakGlass, "view"))
    grants = BreakGlass.objects.select_related("user", "client").order_by("-at", "-id")
    page = page_of(request, grants)
    return render(request, "clients/break_glass_list.html", {"page": page, "now": timezone.now()})


# Agencies (reference data)


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Agency, "view"))
    return render(
        request,
        "clients/agency_list.html",
        {
            "agencies": page_of(request, access.visible(request.user, Agency.objects.all())),
            "can_add": access.can_add_for(request.user, Agency),
        },
    )


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = access.get_visible(request.user, Agency, pk)
    return render(
        request,
        "clients/agency_detail.html",
        {
            "agency": agency,
            "history": history_entries(("", agency.history.select_related("history_user"))),
            "can_change": access.can_change(request.user, Agency),
        },
    )


@login_required
def agency_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.require(request.user, access.perm(Agency, "add"))
        agency = Agency()
    else:
        agency = access.get_visible(request.user, Agency, pk, write=True)
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        agency = services.save_agency(form.save(commit=False), by=request.user)
        messages.success(request, f"{agency.name} saved.")
        return HttpResponseRedirect(agency.get_absolute_url())
    return render(
        request,
        "clients/agency_form.html",
        {"form": form, "agency": agency, "title": "Change agency" if pk else "Add an agency"},
    )


def home_search(request: HttpRequest) -> HomePart | None:
    """The home page's search for a person."""
    user = request.user
    if not can_see_people(user):
        return None
    return HomePart(
        "clients/_home_search.html",
        {"can_add_person": access.can_add_for(user, Client)},
        main=True,
    )


def home_people(request: HttpRequest) -> HomePart | None:
    """The home page's caseload and the people added most recently."""
    user = request.user
    if not can_see_people(user):
        return None
    people = visible_clients(user).select_related("key_worker")
    caseload = list(
        with_alerts(people.filter(key_worker_id=user.pk).order_by("last_name", "first_name"))[:50]
    )
    recently_added = list(with_alerts(people.order_by("-created_at"))[:8])
    reads.note([p.pk for p in caseload + recently_added], "home page")
    return HomePart(
        "clients/_home_people.html", {"caseload": caseload, "recently_added": recently_added}
    )
