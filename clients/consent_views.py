"""Pages for a person's information-sharing consent and for sharing on another lawful basis."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from clients import services
from clients.consent import Consent, ConsentOutcome, SharingWithoutConsent
from clients.forms import ConsentForm, RefusalForm, WithdrawConsentForm
from clients.models import Client
from mars import access
from mars.access import AnyUser
from mars.pages import page_of, record_page, refusal_into_form, service_form


def consent_context(client: Client, user: AnyUser) -> dict[str, Any]:
    """The person page's consent at a glance, its history and what the user may do."""
    can_see = access.can(user, access.perm(Consent, "view"))
    return {
        "can_see_consent": can_see,
        "consents": access.visible(user, client.consents.prefetch_related("agencies").all())
        if can_see
        else [],
        "can_add_consent": access.can_add_for(user, Consent),
    }


def sharing_rows(user: AnyUser, records: Iterable[SharingWithoutConsent]) -> list[tuple[str, Any]]:
    """Rows for a referral's or a plan's page: each agency shared with on another basis."""
    if not access.can(user, access.perm(SharingWithoutConsent, "view")):
        return []
    return [
        (
            f"Shared with {r.agency.name} without consent",
            f"{r.get_basis_display()}: {r.reason}\n({r.consent_said} "
            f"Recorded by {_who(r.recorded_by)}, {r.recorded_at:%d/%m/%Y}.)",
        )
        for r in records
    ]


def _who(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else "the system"


def form_error(form: Any, error: Exception) -> None:
    refusal_into_form(form, error)


def _person(request: HttpRequest, pk: int) -> Client | HttpResponse:
    client = access.get_visible(request.user, Client, pk)
    access.require(request.user, access.perm(Consent, "add"))
    if client.is_merged:
        return redirect(services.final_record(client))
    return client


@login_required
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person(request, pk)
    if isinstance(found, HttpResponse):
        return found
    client = found
    form = ConsentForm(request.POST or None)
    return service_form(
        request,
        form,
        "Record consent",
        run=lambda data: services.record_consent(
            client,
            how=data["how"],
            given_on=data["given_on"],
            scopes=data["scopes"],
            agencies=data["agencies"],
            review_by=data["review_by"],
            notes=data["notes"],
            by=request.user,
        ),
        refusals=(services.ClientError,),
        done=lambda consent: client,
        message="Consent recorded.",
        client=client,
    )


@login_required
def consent_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person(request, pk)
    if isinstance(found, HttpResponse):
        return found
    client = found
    form = RefusalForm(request.POST or None)
    return service_form(
        request,
        form,
        "Record consent refused",
        run=lambda data: services.record_refusal(
            client,
            how=data["how"],
            refused_on=data["given_on"],
            notes=data["notes"],
            by=request.user,
        ),
        refusals=(services.ClientError,),
        done=lambda consent: client,
        message="Refusal recorded.",
        client=client,
    )


@login_required
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = access.get_visible(request.user, Consent, pk, write=True)
    form = WithdrawConsentForm(request.POST or None)
    return service_form(
        request,
        form,
        f"Withdraw {consent}",
        run=lambda data: services.withdraw_consent(
            consent, withdrawn_on=data["withdrawn_on"], by=request.user
        ),
        refusals=(services.ClientError,),
        done=lambda consent: consent.client,
        message="Withdrawal recorded.",
        client=consent.client,
        cancel_url=consent.get_absolute_url(),
        submit_label="Withdraw consent",
    )


@login_required
def consent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consent = access.get_visible(request.user, Consent, pk)
    given = consent.outcome == ConsentOutcome.GIVEN
    rows: list[tuple[str, Any]] = [
        ("Person", consent.client),
        ("Outcome", consent.get_outcome_display()),
        ("How", consent.get_how_display()),
        ("Given on" if given else "Refused on", consent.given_on),
    ]
    if given:
        rows += [
            ("Covers", ", ".join(consent.covered_labels())),
            ("Review by", consent.review_by),
            ("Withdrawn on", consent.withdrawn_on),
        ]
    rows += [
        ("Recorded by", _who(consent.recorded_by)),
        ("Recorded at", consent.recorded_at),
        ("Notes", consent.notes),
    ]
    actions = []
    if given and consent.withdrawn_on is None and access.can_change(request.user, Consent):
        actions.append(("Withdraw consent", reverse("clients:consent_withdraw", args=[pk])))
    return record_page(request, consent, rows, actions=actions)


@login_required
def sharing_list(request: HttpRequest) -> HttpResponse:
    """Every sharing without consent, newest first: the coordinator's to review."""
    access.require(request.user, "clients.review_sharingwithoutconsent")
    records = access.visible(
        request.user,
        SharingWithoutConsent.objects.select_related(
            "client", "agency", "recorded_by", "referral", "support_plan"
        ).order_by("-recorded_at", "-id"),
    )
    return render(request, "clients/sharing_list.html", {"page": page_of(request, records)})


@login_required
def sharing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_visible(request.user, SharingWithoutConsent, pk)
    rows: list[tuple[str, Any]] = [
        ("Person", record.client),
        ("Agency", record.agency),
        ("Lawful basis", record.get_basis_display()),
        ("Reason", record.reason),
        ("Consent at the time", record.consent_said),
        ("Allowed", record.allowed),
        ("Recorded by", _who(record.recorded_by)),
        ("Recorded at", record.recorded_at),
    ]
    return record_page(request, record, rows)
