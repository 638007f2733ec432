"""What each role may do with risk records."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

MODELS = [
    "riskassessment",
    "arearating",
    "riskplan",
    "planaction",
    "riskalert",
    "plandecision",
    "meeting",
    "meetingaction",
    "safeguardingconcern",
]
VIEW = [f"risk.view_{model}" for model in MODELS]


def add_change(*models):
    return [f"risk.{action}_{model}" for model in models for action in ("add", "change")]


WORKER = VIEW + add_change(
    "riskassessment", "riskplan", "meeting", "meetingaction", "safeguardingconcern"
)

ROLE_PERMISSIONS = {
    "outreach worker": WORKER,
    "support worker": WORKER,
    "coordinator": WORKER + ["risk.approve_riskplan", "risk.approve_coordinators_riskplan"],
    "A2A panel member": VIEW,
    "director": VIEW + ["risk.approve_coordinators_riskplan"],
    "commissioner": [],
    "administrator": [],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial"), ("mars", "0001_create_roles")]

    operations = [migrations.RunPython(grant, revoke)]
