"""The code's own tables of what MARS holds about a person: what counts as activity, what the
retention schedule erases (and what it keeps, and why), and the categories of personal data with
their lawful basis. The retention service, the "What we hold and why" page and its downloads are
all read from here, and tests hold the tables to the models (tests/privacy/test_tables.py), so a
new model or field holding case data cannot be added without being classified.

Another app's model (consent, subject access requests) joins each table with one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Activity: what makes a person's record "in use" ------------------------------------------


@dataclass(frozen=True)
class Activity:
    """Dated records about a person: the latest (not after today) is their last activity."""

    model: str  # "app.Model"
    person: str  # the lookup from the model to the person: "client", "request__client"
    dates: tuple[str, ...]  # date or date-time fields of something that happened
    what: str  # how the page names it: "contact", "placement ended"


ACTIVITY: list[Activity] = [
    Activity("outreach.Contact", "client", ("at",), "contact"),
    Activity("outreach.Intervention", "client", ("opened", "closed"), "intervention"),
    Activity("outreach.SwepOffer", "client", ("offered_on",), "severe weather offer"),
    Activity("outreach.CountedPerson", "client", ("count__night",), "rough sleeping count"),
    Activity("clients.SupportPlan", "client", ("start", "end"), "support plan"),
    Activity("clients.Consent", "client", ("given_on", "withdrawn_on"), "consent"),
    Activity("clients.Referral", "client", ("referred_on", "status_changed_on"), "referral"),
    Activity("clients.HealthAccess", "client", ("date",), "health access"),
    Activity("accommodation.A2AReferral", "client", ("referred_on", "decided_at"), "A2A referral"),
    Activity("accommodation.Placement", "client", ("start", "end"), "placement"),
    Activity(
        "accommodation.MarsHouseReferral",
        "client",
        ("received_on", "assessed_on", "decided_on"),
        "MARS House referral",
    ),
    Activity("accommodation.HouseIssue", "resident", ("reported_at", "resolved_on"), "house issue"),
    Activity("risk.RiskAssessment", "client", ("assessed_on",), "risk assessment"),
    Activity("risk.Meeting", "client", ("held_on",), "meeting"),
    Activity("risk.SafeguardingConcern", "client", ("raised_on", "closed_on"), "safeguarding"),
    Activity("funds.PaymentRequest", "client", ("requested_at",), "payment request"),
    Activity("funds.Payment", "request__client", ("paid_on",), "payment"),
    # Last, so that on the same day a real record is named rather than the record's creation.
    Activity("clients.Client", "pk", ("created_at",), "record created"),
]


# --- What retention erases, and what it keeps -------------------------------------------------


@dataclass(frozen=True)
class Erase:
    """Free-text fields of a person's records that anonymisation removes, from the record and
    from its history. `via` are the foreign keys to the person or to an earlier entry's model:
    the records reached through any of them are the person's."""

    model: str
    via: tuple[str, ...]
    fields: tuple[str, ...]
    files: tuple[str, ...] = ()  # file fields: the stored file is deleted too


# Parents before children: an entry's records are found from those of the entries before it.
# The person's own record (clients.Client) is anonymised by privacy.services itself: names,
# date of birth, phone; its search index (clients.PersonName) and aliases are deleted.
ERASED: list[Erase] = [
    Erase("clients.SupportPlan", ("client",), ("summary",)),
    Erase("clients.SupportGoal", ("plan",), ("description", "notes")),
    Erase("clients.Consent", ("client",), ("notes",)),
    Erase("clients.SharingWithoutConsent", ("client",), ("reason", "consent_said")),
    Erase("clients.BreakGlass", ("client",), ("reason",)),
    Erase("clients.Referral", ("client",), ("reason", "notes")),
    Erase("clients.HealthAccess", ("client",), ("outcome", "notes")),
    Erase("clients.Discharge", ("client",), ("notes",)),
    Erase("outreach.Contact", ("client",), ("description", "location", "notes")),
    Erase(
        "outreach.PublicReport",
        ("found_contact",),
        ("location", "description", "reporter_name", "reporter_contact", "outcome"),
    ),
    Erase("outreach.ReportAttempt", ("report",), ("notes",)),
    Erase(
        "outreach.Intervention",
        ("client",),
        (
            "outcome_notes",
            "notes",
            "destination",
            "local_connection_verified_by",
            "travel_arranged",
        ),
    ),
    Erase("outreach.SwepOffer", ("client",), ("declined_reason", "notes")),
    Erase("outreach.CountedPerson", ("client",), ("location",)),
    Erase("accommodation.A2AReferral", ("client",), ("needs", "reasons", "decision_reason")),
    Erase("accommodation.Placement", ("client",), ("move_on_destination", "notes")),
    Erase(
        "accommodation.MarsHouseReferral", ("client",), ("reasons", "assessment", "decision_reason")
    ),
    Erase("accommodation.HouseIssue", ("resident",), ("description", "action_taken")),
    Erase("risk.RiskAssessment", ("client",), ("summary",)),
    Erase("risk.AreaRating", ("assessment",), ("notes", "triggers")),
    Erase("risk.RiskPlan", ("client",), ("summary",)),
    Erase("risk.PlanAction", ("plan",), ("description", "owner_other")),
    Erase("risk.RiskAlert", ("plan",), ("detail",)),
    Erase("risk.PlanDecision", ("plan",), ("comment",)),
    Erase("risk.Meeting", ("client",), ("chair_other", "others_present", "notes")),
    Erase("risk.MeetingAction", ("meeting",), ("description", "owner_other")),
    Erase("risk.SafeguardingConcern", ("client",), ("details", "agency_reference", "outcome")),
    Erase("funds.PaymentRequest", ("client", "issue"), ("purpose", "payee", "close_reason")),
    Erase("funds.Approval", ("request",), ("comment", "override_reason")),
    Erase("funds.Receipt", ("request",), ("original_name",), files=("file",)),
    Erase(
        "funds.HardshipAssessment",
        ("client",),
        (
            "circumstances",
            "benefits_note",
            "local_welfare_note",
            "food_bank_note",
            "other_funds_note",
            "purpose",
            "payee",
            "reason",
            "rules",
        ),
    ),
    Erase("funds.HardshipAnswer", ("assessment",), ("answer",)),
    Erase("privacy.LegalHold", ("client",), ("reason", "lift_reason")),
    # The data protection requests (app rights, a layer above: named here, never imported).
    Erase(
        "rights.SubjectAccessRequest",
        ("client",),
        ("representative", "extension_reason", "closing_reason", "notes"),
    ),
    Erase("rights.RightsRequest", ("client",), ("request", "decision_reason")),
]

# The person's own record: text fields removed, and the other fields set as shown.
CLIENT_ERASED = ("first_name", "last_name", "known_as", "phone", "external_ref")
CLIENT_CLEARED = {"date_of_birth": None, "date_of_birth_approximate": False}
# Rows deleted outright (the name search index; other names the person is known by).
DELETED = {
    "clients.PersonName": "the search index of the person's names: rebuilt from nothing",
    "clients.ClientAlias": "other names the person is known by (their history is erased too)",
}

# Text fields on a person's records that anonymisation keeps, and why.
KEPT: dict[str, dict[str, str]] = {
    "clients.Client": {
        "reference": "the record's number: the anonymised person is shown by it",
        "nationality": "the figures and the published reports count people by nationality",
        "nationality_as_recorded": "a nationality as first written, until its country is set: "
        "the same fact as the nationality",
    },
    "outreach.PublicReport": {
        "source_reference": "the referring service's own number for the report, not the person's",
    },
    "funds.Payment": {
        "reference": "the bank's reference, to match the payment to the statement for audit",
    },
    "funds.Receipt": {"content_type": "the kind of file (PDF, JPEG), not its content"},
    "funds.HardshipAnswer": {"question_text": "the procedure's question as it was asked"},
    "privacy.Anonymisation": {"what": 'the kind of the last record ("contact"), not its text'},
}

# What anonymised free text reads as (a field that was empty stays empty).
REMOVED = "Removed"
ANONYMISED_FIRST_NAME = "Anonymised person"


# --- Categories of personal data, their lawful basis and keeping -------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    description: str
    article_6: str
    condition: str  # Article 9 / Article 10 condition with DPA 2018 Schedule 1, or "" if none
    special: bool = False  # special category (Article 9)
    criminal: bool = False  # criminal offence data (Article 10)


PUBLIC_TASK = (
    "Article 6(1)(e) public task: the council's homelessness and rough sleeping duties "
    "(Housing Act 1996 Part 7, Homelessness Reduction Act 2017)"
)
HEALTH_CARE = (
    "Article 9(2)(h) health or social care, with DPA 2018 Schedule 1 Part 1 paragraph 2 "
    "(health or social care purposes)"
)
STATUTORY = (
    "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 Part 2 paragraph 6 "
    "(statutory and government purposes)"
)
SAFEGUARDING = (
    "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 Part 2 paragraph 18 "
    "(safeguarding of children and of individuals at risk)"
)

CATEGORIES: list[Category] = [
    Category(
        "identity",
        "Identity and contact details",
        "Names, other names, date of birth, phone, the MARS reference and the reference in an "
        "imported system.",
        PUBLIC_TASK,
        "",
    ),
    Category(
        "equality",
        "Gender, nationality and ethnicity",
        "For the statutory returns and equality monitoring; ethnicity is special category data.",
        PUBLIC_TASK,
        "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 Part 2 "
        "paragraph 8 (equality of opportunity or treatment) for ethnicity",
        special=True,
    ),
    Category(
        "circumstances",
        "Housing circumstances and case management",
        "Status, local connection, key worker, consent dates, merged duplicates.",
        PUBLIC_TASK,
        "",
    ),
    Category(
        "consent",
        "Information-sharing consent",
        "Consent given or refused, what it covers and until when; sharing without consent on "
        "another lawful basis, with the reason.",
        PUBLIC_TASK,
        "",
    ),
    Category(
        "street",
        "Street outreach",
        "Contacts and where they happened, public reports, interventions, severe weather offers, "
        "the rough sleeping count.",
        PUBLIC_TASK,
        HEALTH_CARE + " (contact notes may say how a person is)",
        special=True,
    ),
    Category(
        "support",
        "Support plans and referrals to agencies",
        "Plans, goals and referrals in and out.",
        PUBLIC_TASK,
        HEALTH_CARE,
        special=True,
    ),
    Category(
        "health",
        "Health and support needs",
        "Support needs, GP registration, health access (A&E, GP, mental health, drug and alcohol).",
        PUBLIC_TASK,
        HEALTH_CARE,
        special=True,
    ),
    Category(
        "accommodation",
        "Accommodation",
        "A2A and MARS House referrals and decisions, placements, house issues.",
        PUBLIC_TASK,
        HEALTH_CARE + " (referrals describe needs)",
        special=True,
    ),
    Category(
        "risk",
        "Risk, offending and multi-agency meetings",
        "Risk assessments, risk plans and alerts, meetings: may hold offending history.",
        PUBLIC_TASK,
        "Article 10 criminal offence data with DPA 2018 Schedule 1 Part 2 paragraph 6 (statutory "
        "purposes) and paragraph 10 (preventing or detecting unlawful acts); " + SAFEGUARDING,
        special=True,
        criminal=True,
    ),
    Category(
        "safeguarding",
        "Safeguarding",
        "Safeguarding concerns raised, referred and closed.",
        PUBLIC_TASK,
        SAFEGUARDING,
        special=True,
    ),
    Category(
        "money",
        "Money for people",
        "Payment requests, approvals, payments and uploaded receipts.",
        PUBLIC_TASK,
        "",
    ),
    Category(
        "retention",
        "Legal holds and retention",
        "Holds that keep a person's records, and the record that a person was anonymised.",
        "Article 6(1)(c) legal obligation (keeping records a claim or inquiry needs)",
        "",
    ),
    Category(
        "requests",
        "Data protection requests",
        "Subject access requests and requests to correct, erase, restrict or object, with the "
        "decisions.",
        "Article 6(1)(c) legal obligation (UK GDPR Articles 12 to 22)",
        "",
    ),
    Category(
        "access_log",
        "Access log",
        "Who read which people's records, when and from where.",
        "Article 6(1)(e) public task, and Article 32 security of processing",
        "",
    ),
]


@dataclass(frozen=True)
class Held:
    """A model holding personal data: its category, and fields of another category."""

    model: str
    category: str
    fields: dict[str, str] = field(default_factory=dict)


HELD: list[Held] = [
    Held(
        "clients.Client",
        "circumstances",
        {
            "reference": "identity",
            "first_name": "identity",
            "last_name": "identity",
            "known_as": "identity",
            "date_of_birth": "identity",
            "date_of_birth_approximate": "identity",
            "phone": "identity",
            "external_ref": "identity",
            "gender": "equality",
            "nationality": "equality",
            "nationality_as_recorded": "equality",
            "public_funds": "equality",
            "ethnicity": "equality",
            "support_needs": "health",
            "primary_care_relevant": "health",
            "gp_registered": "health",
        },
    ),
    Held("clients.ClientAlias", "identity"),
    Held("clients.PersonName", "identity"),
    Held("clients.Consent", "consent"),
    Held("clients.SharingWithoutConsent", "consent"),
    Held("clients.BreakGlass", "access_log"),
    Held("clients.SupportPlan", "support"),
    Held("clients.SupportGoal", "support"),
    Held("clients.Referral", "support"),
    Held("clients.HealthAccess", "health"),
    Held("clients.Discharge", "health"),
    Held("outreach.Contact", "street"),
    Held("outreach.PublicReport", "street"),
    Held("outreach.ReportAttempt", "street"),
    Held("outreach.Intervention", "street"),
    Held("outreach.SwepOffer", "street"),
    Held("outreach.CountedPerson", "street"),
    Held("accommodation.A2AReferral", "accommodation"),
    Held("accommodation.Placement", "accommodation"),
    Held("accommodation.MarsHouseReferral", "accommodation"),
    Held("accommodation.HouseIssue", "accommodation"),
    Held("risk.RiskAssessment", "risk"),
    Held("risk.AreaRating", "risk"),
    Held("risk.RiskPlan", "risk"),
    Held("risk.PlanAction", "risk"),
    Held("risk.RiskAlert", "risk"),
    Held("risk.PlanDecision", "risk"),
    Held("risk.Meeting", "risk"),
    Held("risk.MeetingAction", "risk"),
    Held("risk.SafeguardingConcern", "safeguarding"),
    Held("funds.PaymentRequest", "money"),
    Held("funds.Approval", "money"),
    Held("funds.Payment", "money"),
    Held("funds.Receipt", "money"),
    Held("funds.HardshipAssessment", "money"),
    Held("funds.HardshipAnswer", "money"),
    Held("privacy.LegalHold", "retention"),
    Held("privacy.Anonymisation", "retention"),
    Held("privacy.RetentionRun", "retention"),
    Held("audit.AccessEvent", "access_log"),
    Held("rights.SubjectAccessRequest", "requests"),
    Held("rights.RightsRequest", "requests"),
]

# Fields read on a need-to-know basis (clients.special): special category and criminal-offence
# data always, and notes only when marked sensitive. Those who may read the record but not these
# see that something is held, not what.
NEED_TO_KNOW: dict[str, tuple[str, ...]] = {
    "clients.Client": ("ethnicity", "support_needs", "public_funds"),
    "clients.HealthAccess": ("kind", "outcome", "notes"),
    "clients.Discharge": ("kind", "date", "evidence", "notes"),
}
SENSITIVE_NOTES: dict[str, tuple[str, ...]] = {
    "clients.SupportGoal": ("notes",),
    "outreach.Contact": ("notes",),
    "risk.AreaRating": ("notes",),
}
SPECIAL_CATEGORY_PERMISSION = "clients.view_special_category"

# Who may see a model's rows, where it is not the model's own view permission.
VIEW_PERMISSION: dict[str, str] = {
    "audit.AccessEvent": "audit.view_access_log",
    "clients.PersonName": "clients.view_client",  # the search index: those who search people
    "privacy.Anonymisation": "clients.view_client",  # shown on the person's page
}
