"""The team's roles and what each may do.

Each role is a Django group, and what a role may do is the group's permissions. `ROLE_PERMISSIONS`
below is the only place that says which: `sync_roles()` brings the groups in the database in line
with it after every `migrate` (connected in `MarsConfig.ready()`) and from `manage.py sync_roles`
(`--check` only reports). Permissions are "app_label.codename" strings, so the core imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, models, transaction


class Role(models.TextChoices):
    OUTREACH = "outreach worker", "Outreach worker"
    SUPPORT = "support worker", "Support worker"
    COORDINATOR = "coordinator", "Coordinator"
    PANEL = "A2A panel member", "A2A panel member"
    DIRECTOR = "director", "Director"
    RESETTLEMENT_MANAGER = "resettlement manager", "Resettlement manager"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"


def _each(app_label: str, actions: Iterable[str], *models: str) -> frozenset[str]:
    """Every action on every model: _each("risk", ["add", "change"], "riskplan")."""
    return frozenset(f"{app_label}.{action}_{model}" for model in models for action in actions)


ADD_CHANGE = ("add", "change")

# Staff accounts, on the staff pages (accounts.staff: only roles the giver's own rights cover).
# API tokens are their owners' own business: nobody else's permission reaches them.
STAFF_ACCOUNTS = frozenset({"auth.view_user", "auth.add_user", "auth.change_user"})
# The administrator also unlocks accounts in the Django admin (deleting the failed attempts).
ACCOUNTS = STAFF_ACCOUNTS | {
    "auth.view_group",  # to choose a user's role; the roles themselves are this table
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
}

# clients: people and their records.
PEOPLE_READ = _each(
    "clients",
    ["view"],
    "client",
    "clientalias",
    "agency",
    "supportplan",
    "supportgoal",
    "referral",
    "healthaccess",
    "discharge",
    "consent",
    "sharingwithoutconsent",
)
# Recording a person's consent, a refusal, a withdrawal (issue 18): those who meet people.
CONSENT_WORK = _each("clients", ADD_CHANGE, "consent")
# Seeing everyone, not only the people put before one (the A2A panel's: mars.access).
EVERYONE = frozenset({"clients.view_every_client"})
PEOPLE_WORK = _each("clients", ADD_CHANGE, "client", "clientalias") | {"clients.delete_clientalias"}
CASE_RECORDS = _each(
    "clients", ADD_CHANGE, "supportplan", "supportgoal", "referral", "healthaccess", "discharge"
) | {"clients.delete_supportgoal", "clients.delete_discharge"}
AGENCIES = _each("clients", ["view", "add", "change"], "agency")
# The urgent "see restricted information" reading of one person's special category data
# (clients.access.may_see_special_category): for staff who read people's records.
BREAK_GLASS = frozenset({"clients.add_breakglass"})

# outreach: the street.
OUTREACH_READ = _each(
    "outreach",
    ["view"],
    "hotspot",
    "outreachsession",
    "contact",
    "publicreport",
    "reportattempt",
    "intervention",
    "severeweatheractivation",
    "swepoffer",
    "roughsleepingcount",
    "countedperson",
    "sessioncover",  # the rota's cover: those who read the rota read who covers whom
)
STREET_WORK = _each(
    "outreach", ADD_CHANGE, "contact", "publicreport", "reportattempt", "intervention", "swepoffer"
)

# accommodation: places to stay, referrals to them and placements in them.
ACCOMMODATION_MODELS = (
    "provider",
    "property",
    "unit",
    "unavailability",
    "a2areferral",
    "placement",
    "marshousereferral",
    "houseissue",
)
ACCOMMODATION_READ = _each("accommodation", ["view"], *ACCOMMODATION_MODELS)
HOUSING_STOCK = _each("accommodation", ["view", "add", "change"], "provider", "property", "unit")

# risk: assessments, plans, alerts, meetings and safeguarding.
RISK_READ = _each(
    "risk",
    ["view"],
    "riskassessment",
    "arearating",
    "riskplan",
    "planaction",
    "riskalert",
    "plandecision",
    "meeting",
    "meetingaction",
    "safeguardingconcern",
)
RISK_WORK = _each(
    "risk",
    ADD_CHANGE,
    "riskassessment",
    "riskplan",
    "meeting",
    "meetingaction",
    "safeguardingconcern",
)

# funds: money for people and for MARS House.
FUNDS_READ = _each("funds", ["view"], "fund", "paymentrequest", "approval", "payment", "receipt")
# Those who ask for money: the request, changing it before approval, receipts and invoices.
ASK_FOR_MONEY = frozenset(
    {"funds.add_paymentrequest", "funds.change_paymentrequest", "funds.add_receipt"}
)
SET_UP_FUNDS = _each("funds", ADD_CHANGE, "fund")
# Hardship payments assessed in line with the procedure: read by those who read requests about
# people, made by those who ask for money (an assessment is kept as made: no change).
HARDSHIP_READ = _each("funds", ["view"], "hardshipassessment", "hardshipanswer")
ASSESS_HARDSHIP = _each("funds", ["add"], "hardshipassessment", "hardshipanswer")
# The procedure's questions, kept by the administrator in the Django admin.
HARDSHIP_PROCEDURE = _each("funds", ["view", "add", "change"], "hardshipquestion")

# reporting: targets, report runs, the dashboard and bundles.
TARGETS = _each("reporting", ["view", "add", "change"], "target")
# The target for long-term rough sleeping (the national plan's), set against the dashboard's trend.
LONG_TERM_TARGET = _each("reporting", ["view", "add", "change"], "longtermtarget")
PUBLISHED_REPORTS = frozenset({"reporting.view_published_reportrun"})

# rights: subject access and the other data protection requests (the coordinator answers them).
DATA_SUBJECT_RIGHTS = _each(
    "rights", ["view", "add", "change"], "subjectaccessrequest", "rightsrequest"
) | {"rights.make_subject_access_export"}
# privacy: retention (legal holds, anonymisation, runs) and the register of what is held and why.
RETENTION = _each("privacy", ["view", "add", "change"], "legalhold") | {
    "privacy.view_retentionrun",
    "privacy.run_retention",
}
PROCESSING_REGISTER = frozenset({"privacy.view_processing_register"})
# strategy: the Strategy Group. Every member of staff who works with people reads it (outreach
# and support workers, the coordinator, the director); the coordinator runs it.
STRATEGY_READ = frozenset({"strategy.view_strategy_group"})
STRATEGY_MANAGE = frozenset({"strategy.manage_strategy_group"})

# team: supervision, team meetings and the caseloads (issue 23). A supervision is read by its
# worker and supervisor without any of these (team.access); the coordinator reads every one.
TEAM_READ = _each("team", ["view"], "teammeeting", "teamaction")
RUNNING_THE_TEAM = _each(
    "team",
    ["view", "add", "change"],
    "supervision",
    "supervisionaction",
    "teammeeting",
    "teamaction",
) | {"team.view_every_supervision", "team.view_caseloads"}
# mars.waiting: what waits past its time. Case staff see their own (and those they cover);
# the coordinator sees everyone's.
OWN_WAITING = frozenset({"mars.view_waiting"})
ALL_WAITING = OWN_WAITING | {"mars.view_all_waiting"}

# staffing: attendance and cover. Case staff see who is away and who covers whom (sickness reads
# as "Away" but to the coordinator and the worker: staffing.access); a worker records their own
# leave and training; the coordinator records anyone's absence and hands caseloads over.
ATTENDANCE_READ = _each("staffing", ["view"], "absence", "caseloadcover")
OWN_LEAVE = _each("staffing", ADD_CHANGE, "absence")
ATTENDANCE_WORK = (
    OWN_LEAVE | _each("staffing", ADD_CHANGE, "caseloadcover") | {"staffing.manage_absences"}
)


def _all(*parts: str | Iterable[str]) -> frozenset[str]:
    return frozenset(name for part in parts for name in ([part] if isinstance(part, str) else part))


# What each role may do: the only source. A role missing an app's line may do nothing there.
ROLE_PERMISSIONS: Mapping[Role, frozenset[str]] = {
    Role.OUTREACH: _all(
        PEOPLE_READ,
        EVERYONE,
        PEOPLE_WORK,
        CONSENT_WORK,
        BREAK_GLASS,
        "clients.add_referral",
        "clients.add_healthaccess",
        # Someone met on the street says they left prison or hospital: recorded there and then.
        "clients.add_discharge",
        OUTREACH_READ,
        STREET_WORK,
        _each("outreach", ADD_CHANGE, "outreachsession", "hotspot", "countedperson"),
        ACCOMMODATION_READ,
        _each("accommodation", ADD_CHANGE, "a2areferral"),
        "accommodation.add_marshousereferral",
        RISK_READ,
        RISK_WORK,
        FUNDS_READ,
        ASK_FOR_MONEY,
        TEAM_READ,
        HARDSHIP_READ,
        ASSESS_HARDSHIP,
        OWN_WAITING,
        STRATEGY_READ,
        ATTENDANCE_READ,
        OWN_LEAVE,
    ),
    Role.SUPPORT: _all(
        PEOPLE_READ,
        EVERYONE,
        PEOPLE_WORK,
        CONSENT_WORK,
        BREAK_GLASS,
        CASE_RECORDS,
        OUTREACH_READ,
        STREET_WORK,
        ACCOMMODATION_READ,
        _each("accommodation", ADD_CHANGE, "a2areferral", "houseissue"),
        "accommodation.add_marshousereferral",
        RISK_READ,
        RISK_WORK,
        FUNDS_READ,
        ASK_FOR_MONEY,
        TEAM_READ,
        HARDSHIP_READ,
        ASSESS_HARDSHIP,
        OWN_WAITING,
        STRATEGY_READ,
        ATTENDANCE_READ,
        OWN_LEAVE,
    ),
    Role.COORDINATOR: _all(
        PEOPLE_READ,
        EVERYONE,
        PEOPLE_WORK,
        CASE_RECORDS,
        AGENCIES,
        CONSENT_WORK,
        "clients.merge_client",
        # The list of every sharing without consent, to review the lawful bases recorded.
        "clients.review_sharingwithoutconsent",
        # Special category and criminal-offence data of every person (key workers see their own
        # caseload's without it). Only the coordinator by default: give it to another role here.
        "clients.view_special_category",
        "clients.view_breakglass",  # who broke glass, for whom and why
        # Never needed (they see it all), but held so that the coordinator still holds every
        # right of the case workers whose accounts they manage (accounts.rules.may_manage).
        BREAK_GLASS,
        OUTREACH_READ,
        STREET_WORK,
        _each(
            "outreach",
            ADD_CHANGE,
            "outreachsession",
            "hotspot",
            "severeweatheractivation",
            "roughsleepingcount",
            "countedperson",
        ),
        "outreach.delete_countedperson",
        "outreach.add_sessioncover",  # cover on the rota (outreach.access.may_cover_sessions)
        ACCOMMODATION_READ,
        _each("accommodation", ADD_CHANGE, *ACCOMMODATION_MODELS),
        "accommodation.decide_a2areferral",  # the coordinator sits on the A2A panel
        RISK_READ,
        RISK_WORK,
        "risk.view_restricted_alerts",  # the key worker reads their own people's too
        "risk.approve_riskplan",  # never their own: risk.services.may_decide
        # Already covered by approve_riskplan; kept so the coordinator's row is what it has been.
        "risk.approve_coordinators_riskplan",
        FUNDS_READ,
        ASK_FOR_MONEY,
        HARDSHIP_READ,
        ASSESS_HARDSHIP,
        SET_UP_FUNDS,
        "funds.approve_paymentrequest",  # never their own request: funds.services
        "funds.pay_paymentrequest",
        "funds.export_paymentrequest",
        TARGETS,
        PUBLISHED_REPORTS,
        _each("reporting", ["view", "add", "change"], "reportrun"),
        "reporting.publish_reportrun",
        # England's monthly return (RSDF): making, checking and sending it, and the people
        # behind its figures.
        _each("reporting", ["view", "add", "change"], "rsdfreturn"),
        "reporting.view_rsdf_people",
        "reporting.view_dashboard",
        LONG_TERM_TARGET,
        "reporting.import_bundle",
        "accounts.reset_second_factor",  # never their own: accounts.rules.may_manage
        STAFF_ACCOUNTS,  # case-worker accounts (only roles within the coordinator's own rights)
        # Who looked at whom (a director may be given it too; not by default).
        "audit.view_access_log",
        DATA_SUBJECT_RIGHTS,
        RETENTION,
        PROCESSING_REGISTER,
        RUNNING_THE_TEAM,
        ALL_WAITING,
        STRATEGY_READ,
        STRATEGY_MANAGE,
        ATTENDANCE_READ,
        ATTENDANCE_WORK,
    ),
    # Need to know: only the people whose A2A referral is before the panel (accommodation puts
    # them there), and of them the referral, the risk level and the alerts, a restricted one's
    # text left out. No street records, support plans, health, safeguarding or money.
    Role.PANEL: _all(
        _each("clients", ["view"], "client", "clientalias", "agency"),
        _each("accommodation", ["view"], "provider", "property", "unit", "unavailability"),
        "accommodation.view_a2areferral",
        "accommodation.decide_a2areferral",
        "risk.view_riskalert",
    ),
    Role.DIRECTOR: _all(
        PEOPLE_READ,
        EVERYONE,
        BREAK_GLASS,
        OUTREACH_READ,
        ACCOMMODATION_READ,
        RISK_READ,
        "risk.approve_coordinators_riskplan",
        FUNDS_READ,
        HARDSHIP_READ,
        SET_UP_FUNDS,
        "funds.add_receipt",
        # The second approval above a fund's threshold or past a hardship rule.
        "funds.approve_large_paymentrequest",
        "funds.export_paymentrequest",
        PUBLISHED_REPORTS,
        "reporting.view_target",
        "reporting.view_reportrun",
        "reporting.view_rsdfreturn",  # the return's figures, not the people behind them
        OWN_WAITING,
        STRATEGY_READ,
        ATTENDANCE_READ,
    ),
    # Signs off MARS House property spend with the coordinator; which requests they see is
    # narrowed to property spend by the access rules, not here.
    Role.RESETTLEMENT_MANAGER: _all(
        FUNDS_READ,
        "funds.add_receipt",
        "funds.approve_property_paymentrequest",
    ),
    # Reads the published contract reports and nothing else: no person's record.
    Role.COMMISSIONER: _all(PUBLISHED_REPORTS),
    # Accounts and reference data; no case records.
    Role.ADMINISTRATOR: _all(
        ACCOUNTS,
        AGENCIES,
        _each("outreach", ["view", "add", "change"], "hotspot"),
        HOUSING_STOCK,
        "funds.view_fund",
        SET_UP_FUNDS,
        HARDSHIP_PROCEDURE,
        TARGETS,
        "accounts.reset_second_factor",  # never their own: accounts.rules.may_manage
        PROCESSING_REGISTER,  # for the records of processing; no person's record
        # The outbox and the idempotency keys, read-only in the Django admin: whether background
        # work is waiting (Redis or the workers in trouble), whether a create was sent twice.
        "mars.view_outboxjob",
        "mars.view_idempotencykey",
    ),
}


def _name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _held(using: str) -> dict[str, set[str]]:
    """The permissions each role's group has in the database; a missing group is left out."""
    groups = Group.objects.using(using).filter(name__in=Role.values)
    return {
        group.name: {_name(permission) for permission in group.permissions.all()}
        for group in groups.prefetch_related("permissions__content_type")
    }


def role_differences(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """How the roles' groups in the database differ from ROLE_PERMISSIONS, one line each.

    Groups that are not roles are not the table's business and are not compared.
    """
    held = _held(using)
    lines = []
    for role, wanted in ROLE_PERMISSIONS.items():
        if role.value not in held:
            lines.append(f"{role.value}: no such group")
            continue
        lines += [f"{role.value}: lacks {name}" for name in sorted(wanted - held[role.value])]
        lines += [
            f"{role.value}: has {name}, which the table does not give"
            for name in sorted(held[role.value] - wanted)
        ]
    return lines


def sync_roles(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Bring the roles' groups in the database in line with ROLE_PERMISSIONS; return what differed.

    Rules: a missing group is made; a permission the table gives is added (its row made first if
    need be); one it does not give is taken away. Running it again changes nothing.
    """
    with transaction.atomic(using=using):
        # Permission rows are made after migrate one app at a time; the roles need every app's.
        for app_config in global_apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=using)
        differences = role_differences(using=using)
        if not differences:
            return []
        wanted_names: set[str] = set().union(*ROLE_PERMISSIONS.values())
        app_labels = {name.split(".")[0] for name in wanted_names}
        permissions = {
            _name(permission): permission
            for permission in Permission.objects.using(using)
            .select_related("content_type")
            .filter(content_type__app_label__in=app_labels)
        }
        unknown = sorted(wanted_names - permissions.keys())
        if unknown:
            raise LookupError(f"mars/roles.py names permissions that do not exist: {unknown}")
        for role, wanted in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.using(using).get_or_create(name=role.value)
            held = {
                _name(permission): permission
                for permission in group.permissions.select_related("content_type")
            }
            group.permissions.add(*(permissions[name] for name in wanted - held.keys()))
            group.permissions.remove(*(held[name] for name in held.keys() - wanted))
        return differences


def sync_roles_after_migrate(
    sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    """post_migrate sends once per app; the roles are synced once, after the last app's turn."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if with_models and sender is with_models[-1]:
        sync_roles(using=using)
