"""What each role may do with funds and payments."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

READ = [
    "funds.view_fund",
    "funds.view_paymentrequest",
    "funds.view_approval",
    "funds.view_payment",
    "funds.view_receipt",
]
# Those who ask for money: the request, changing it before approval, receipts and invoices.
ASK = READ + ["funds.add_paymentrequest", "funds.change_paymentrequest", "funds.add_receipt"]
SET_UP_FUNDS = ["funds.add_fund", "funds.change_fund"]

ROLE_PERMISSIONS = {
    "outreach worker": ASK,
    "support worker": ASK,
    "coordinator": ASK
    + SET_UP_FUNDS
    + [
        "funds.approve_paymentrequest",
        "funds.pay_paymentrequest",
        "funds.export_paymentrequest",
    ],
    "A2A panel member": [],
    "director": READ
    + SET_UP_FUNDS
    + ["funds.add_receipt", "funds.approve_large_paymentrequest", "funds.export_paymentrequest"],
    "resettlement manager": READ + ["funds.add_receipt", "funds.approve_property_paymentrequest"],
    "commissioner": [],
    "administrator": ["funds.view_fund"] + SET_UP_FUNDS,
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial"), ("mars", "0004_resettlement_manager_role")]

    operations = [migrations.RunPython(grant, revoke)]
