"""What a subject access export holds, model by model, and what it leaves out and why.

Both lists are data: a new model about a person is one line in EXPORTED (the section it goes
in, the model, and the lookups from it to the person) or one line in LEFT_OUT with the reason.
tests/rights/test_export_completeness.py walks every model that reaches a person and fails on
any that is in neither.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """Records of one model in one section of the export: those whose `paths` (lookups from
    the model to the person, any of them) lead to the person or their merged duplicates."""

    section: str
    model: str  # "app_label.ModelName"
    paths: tuple[str, ...] = ("client",)


IDENTITY = "Identity"
CONSENT = "Consent"
STREET = "Street contacts"
INTERVENTIONS = "Interventions"
ACCOMMODATION = "Accommodation referrals and placements"
PLANS = "Support plans and goals"
REFERRALS = "Referrals"
HEALTH = "Health access"
RISK = "Risk assessments, plans, alerts, meetings and safeguarding"
MONEY = "Payments and receipts"
REQUESTS = "Data protection requests, legal holds and retention"

# In the order the sections are shown. A new model: one line.
EXPORTED: list[Part] = [
    Part(IDENTITY, "clients.Client", ("pk",)),
    Part(IDENTITY, "clients.ClientAlias"),
    Part(CONSENT, "clients.Consent"),
    Part(CONSENT, "clients.SharingWithoutConsent"),
    Part(STREET, "outreach.Contact"),
    Part(STREET, "outreach.PublicReport", ("found_contact__client",)),
    Part(STREET, "outreach.ReportAttempt", ("report__found_contact__client",)),
    Part(STREET, "outreach.CountedPerson"),
    Part(INTERVENTIONS, "outreach.Intervention"),
    Part(INTERVENTIONS, "outreach.SwepOffer"),
    Part(ACCOMMODATION, "accommodation.A2AReferral"),
    Part(ACCOMMODATION, "accommodation.Placement"),
    Part(ACCOMMODATION, "accommodation.MarsHouseReferral"),
    Part(ACCOMMODATION, "accommodation.HouseIssue", ("resident",)),
    Part(PLANS, "clients.SupportPlan"),
    Part(PLANS, "clients.SupportGoal", ("plan__client",)),
    Part(REFERRALS, "clients.Referral"),
    Part(HEALTH, "clients.HealthAccess"),
    Part(HEALTH, "clients.Discharge"),
    Part(RISK, "risk.RiskAssessment"),
    Part(RISK, "risk.AreaRating", ("assessment__client",)),
    Part(RISK, "risk.RiskPlan"),
    Part(RISK, "risk.PlanAction", ("plan__client",)),
    Part(RISK, "risk.RiskAlert", ("plan__client",)),
    Part(RISK, "risk.PlanDecision", ("plan__client",)),
    Part(RISK, "risk.Meeting"),
    Part(RISK, "risk.MeetingAction", ("meeting__client",)),
    Part(RISK, "risk.SafeguardingConcern"),
    # A house issue's repairs are paid for the house, but the issue is about the resident.
    Part(MONEY, "funds.PaymentRequest", ("client", "issue__resident")),
    Part(MONEY, "funds.Approval", ("request__client", "request__issue__resident")),
    Part(MONEY, "funds.Payment", ("request__client", "request__issue__resident")),
    Part(MONEY, "funds.Receipt", ("request__client", "request__issue__resident")),
    Part(MONEY, "funds.HardshipAssessment"),
    Part(MONEY, "funds.HardshipAnswer", ("assessment__client",)),
    Part(REQUESTS, "rights.SubjectAccessRequest"),
    Part(REQUESTS, "rights.RightsRequest"),
    Part(REQUESTS, "privacy.LegalHold"),
    Part(REQUESTS, "privacy.Anonymisation"),
]

# Models that reach a person but are deliberately not in the export, with the reason.
LEFT_OUT: dict[str, str] = {
    # Their reads of the record, with the reason, are in the access log the export gives.
    "clients.BreakGlass": "urgent readings of the record by staff: each is in the access log "
    "section, with the reason given",
    "privacy.RetentionRun": "runs of the retention schedule over everyone: the person's own "
    "anonymisation is given from privacy.Anonymisation",
    "clients.PersonName": "the search index of the person's own names: each word of the names, "
    "known-as and aliases that the Identity section gives in full",
}
