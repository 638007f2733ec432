"""Consent lives in clients.Consent now (0009 moved the dates): the person's own fields go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0009_move_consent_dates"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="client",
            name="client_consent_withdrawn_after_given",
        ),
        migrations.RemoveField(
            model_name="client",
            name="consent_given_on",
        ),
        migrations.RemoveField(
            model_name="client",
            name="consent_withdrawn_on",
        ),
        migrations.RemoveField(
            model_name="historicalclient",
            name="consent_given_on",
        ),
        migrations.RemoveField(
            model_name="historicalclient",
            name="consent_withdrawn_on",
        ),
    ]
