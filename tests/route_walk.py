"""Every URL pattern of the site, and one data set whose records fill their path parameters: the
machinery of tests/mars/test_route_table.py (the table itself is tests/routes.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from mars.api import router


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name, namespaced ("clients:detail"); the pattern itself if it has none
    route: str  # the whole pattern, for messages
    params: tuple[str, ...]
    callback: Any


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[Pattern]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            key = f"{ns}{p.name}" if p.name else route
            yield Pattern(key, route, tuple(p.pattern.regex.groupindex), p.callback)


def site_patterns() -> list[Pattern]:
    """Every pattern of mars.urls; the API's format-suffix twins (`.json`) answer as the route
    they double, so they are left out."""
    return [p for p in _walk(get_resolver().url_patterns) if "format" not in p.params]


def api_models() -> dict[str, type[models.Model]]:
    """The model behind each API route name's base ("clients" for clients-list)."""
    found = {}
    for _, viewset, basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None:
            found[basename] = queryset.model
    return found


def build_data_set() -> dict[str, Any]:
    """One record of each kind, about one person whose A2A referral is before the panel (so the
    panel's answers are about someone it may see); keyed by kind."""
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile
    from knox.models import AuthToken

    from accommodation.models import Unavailability
    from accounts.models import ApiToken, SignedInSession
    from funds import services as funds
    from funds.models import PaymentRequest
    from mars.models import Notification
    from mars.roles import Role
    from outreach.models import CountedPerson, SwepOffer
    from privacy import services as privacy
    from privacy.models import RunTrigger as RetentionTrigger
    from reporting import returns
    from reporting.models import BundleImport, ImportStatus, ReportRun, RunTrigger, Target
    from rights.models import AccessStatus, RightsKind, RightsRequest, SubjectAccessRequest
    from risk.models import PlanAction, SafeguardingConcern
    from tests import factories as f
    from tests.funds.files import image, pdf

    coordinator = f.UserFactory(username="route-coordinator", role=Role.COORDINATOR)
    worker = f.UserFactory(username="route-worker", role=Role.SUPPORT)
    person = f.ClientFactory(first_name="Route", last_name="Person")
    d: dict[str, Any] = {"client": person, "user": worker}
    d["agency"] = f.AgencyFactory()
    d["supportplan"] = f.SupportPlanFactory(client=person)
    d["referral"] = f.ReferralFactory(client=person, agency=d["agency"])
    d["healthaccess"] = f.HealthAccessFactory(client=person)
    d["discharge"] = f.DischargeFactory(client=person)
    d["consent"] = f.ConsentFactory(client=person)
    d["sharingwithoutconsent"] = f.SharingWithoutConsentFactory(
        client=person, agency=d["agency"], referral=d["referral"]
    )
    d["breakglass"] = f.BreakGlassFactory(client=person, user=worker)
    d["hotspot"] = f.HotspotFactory()
    d["outreachsession"] = f.OutreachSessionFactory()
    d["contact"] = f.ContactFactory(client=person, worker=worker, session=d["outreachsession"])
    d["publicreport"] = f.PublicReportFactory()
    d["intervention"] = f.InterventionFactory(client=person, worker=worker)
    d["severeweatheractivation"] = f.SwepActivationFactory(activated_by=coordinator)
    d["swepoffer"] = SwepOffer.objects.create(
        activation=d["severeweatheractivation"],
        client=person,
        offered_on=timezone.localdate(),
        offer="shelter_bed",
        accepted=True,
        made_by=worker,
    )
    d["roughsleepingcount"] = f.RoughSleepingCountFactory()
    d["countedperson"] = CountedPerson.objects.create(
        count=d["roughsleepingcount"],
        client=person,
        gender="male",
        age_band="26_plus",
        nationality_group="uk",
    )
    d["provider"] = f.ProviderFactory()
    d["property"] = f.PropertyFactory(provider=d["provider"])
    d["unit"] = f.UnitFactory(property=d["property"])
    d["unavailability"] = Unavailability.objects.create(
        unit=d["unit"],
        start=timezone.localdate() + dt.timedelta(days=30),
        end=timezone.localdate() + dt.timedelta(days=31),
        reason="Repairs",
        recorded_by=coordinator,
    )
    d["a2areferral"] = f.A2AReferralFactory(client=person, referred_by=worker)
    d["placement"] = f.PlacementFactory(client=f.ClientFactory(), unit=d["unit"])
    d["marshousereferral"] = f.MarsHouseReferralFactory(client=person)
    d["houseissue"] = f.HouseIssueFactory()
    d["riskplan"] = f.plan_in_force(person)
    d["riskassessment"] = d["riskplan"].assessment
    d["planaction"] = PlanAction.objects.filter(plan=d["riskplan"]).first()
    d["meeting"] = f.MeetingFactory(client=person)
    d["meetingaction"] = f.MeetingActionFactory(meeting=d["meeting"], owner=worker)
    d["safeguardingconcern"] = SafeguardingConcern.objects.create(
        client=person, raised_on=timezone.localdate(), category="adult", details="Seen"
    )
    d["fund"] = f.FundFactory()
    request = funds.request_payment(
        PaymentRequest(
            fund=d["fund"], client=person, amount=Decimal("10.00"), purpose="Food", payee="Shop"
        ),
        by=worker,
    )
    d["paymentrequest"] = request
    upload = SimpleUploadedFile("quote.png", image("PNG"), content_type="image/png")
    d["receipt"] = funds.attach_receipt(request, upload, kind="quote", by=worker)
    d["hardshipassessment"] = f.assess_hardship(by=worker, client=person)
    d["reportrun"] = ReportRun.objects.create(
        period=(timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1),
        as_of=timezone.localdate(),
        trigger=RunTrigger.PERSON,
        started_by=coordinator,
    )
    # A run with its PDF, so a download route answers with the file to those who may have it.
    d["reportrun"].pdf.save("route-table.pdf", ContentFile(pdf()))
    # Last month's return, a draft: commissioners see submitted returns only.
    d["rsdfreturn"] = returns.open_return(d["reportrun"].period, by=coordinator)
    # An import that ended (its file deleted, as every ended import's is).
    d["bundleimport"] = BundleImport.objects.create(
        uploaded_by=coordinator,
        file_name="route-table.json",
        size=2,
        status=ImportStatus.DONE,
        summary=["clients: 0 new"],
    )
    d["target"] = Target.objects.create(
        measure="rough_sleepers.new", year=timezone.localdate().year, value=1
    )
    d["notification"] = Notification.objects.create(
        recipient=worker, key="route-table", subject="A notification"
    )
    # A subject access request whose requester's identity is checked (its export may be made),
    # and a rights request not yet decided.
    d["subjectaccessrequest"] = SubjectAccessRequest.objects.create(
        client=person,
        received_on=timezone.localdate(),
        due_on=SubjectAccessRequest.due_for(timezone.localdate()),
        identity_checked_on=timezone.localdate(),
        status=AccessStatus.IN_PROGRESS,
    )
    d["rightsrequest"] = RightsRequest.objects.create(
        client=person, kind=RightsKind.ERASURE, received_on=timezone.localdate(), request="Erase"
    )
    # The worker's own API token and signed-in session (their routes take POST only).
    knox_token, _ = AuthToken.objects.create(user=worker)
    d["apitoken"] = ApiToken.objects.create(token=knox_token, name="Route table")
    d["signedinsession"] = SignedInSession.objects.create(
        user=worker, signed_in_at=timezone.now(), last_seen=timezone.now()
    )
    d["legalhold"] = privacy.place_hold(person, by=coordinator, reason="Route table")
    d["retentionrun"] = privacy.run_retention(
        by=coordinator, trigger=RetentionTrigger.PAGE, dry_run=True
    )
    # Team: a supervision of the worker by the coordinator, a team meeting with the worker's action.
    from team.models import Supervision, TeamAction, TeamMeeting

    d["supervision"] = Supervision.objects.create(
        worker=worker, supervisor=coordinator, held_on=timezone.localdate()
    )
    d["teammeeting"] = TeamMeeting.objects.create(held_on=timezone.localdate())
    d["teamaction"] = TeamAction.objects.create(
        meeting=d["teammeeting"],
        description="Route table",
        owner=worker,
        due=timezone.localdate() + dt.timedelta(days=7),
    )

    # The Strategy Group: a meeting with an agenda item, a paper, an action, a member and news.
    from strategy import services as strategy
    from strategy.models import Action, AgendaItem, GroupMeeting, Member, NewsItem

    d["member"] = Member.objects.create(
        name="Route Partner", organisation="Council", email="p@x.org"
    )
    d["groupmeeting"] = GroupMeeting.objects.create(starts_at=timezone.now() + dt.timedelta(days=7))
    d["agendaitem"] = AgendaItem.objects.create(meeting=d["groupmeeting"], title="Route item")
    d["paper"] = strategy.upload_paper(
        d["groupmeeting"], SimpleUploadedFile("paper.pdf", pdf()), by=coordinator
    )
    d["action"] = Action.objects.create(
        meeting=d["groupmeeting"], description="Route", owner=d["member"], due=timezone.localdate()
    )
    d["newsitem"] = NewsItem.objects.create(title="Route news", day=timezone.localdate(), text="x")

    # Attendance and cover: the worker's leave to come, their caseload covered by the coordinator.
    d["absence"] = f.AbsenceFactory(worker=worker)
    d["caseloadcover"] = f.CaseloadCoverFactory(worker=worker, covered_by=coordinator)
    # The rota: the worker's place on the data set's session covered by the coordinator.
    d["sessioncover"] = f.SessionCoverFactory(
        session=d["outreachsession"], away=worker, covering=coordinator
    )
    assert isinstance(coordinator, User)
    return d
