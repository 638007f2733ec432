"""Nationality becomes a country code: text that names one country ("Polish", "poland", "UK") is
mapped; text that does not stays in nationality_as_recorded for the coordinator to fix. The support
need "no recourse to public funds" becomes the person's access to public funds."""

from typing import Any

from django.db import migrations, models

from audit.triggers import RELEASE_SETTING
from clients.countries import match, name_of

NO_RECOURSE_NEED = "no_recourse_to_public_funds"


def _to_countries(model: Any, *, keep_text: bool = False) -> None:
    # One update for each distinct text, however many people share it. Past versions keep the
    # text as it was written beside its country (keep_text), so history loses nothing.
    texts = model.objects.exclude(nationality="").values_list("nationality", flat=True).distinct()
    for text in list(texts.order_by()):
        code = match(text)
        model.objects.filter(nationality=text).update(
            nationality=code or "", nationality_as_recorded=text if keep_text or not code else ""
        )


def _release_history(apps: Any, schema_editor: Any, reason: str) -> None:
    """The change history is kept by the database (audit.triggers): its versions are rewritten
    here, in the migration's transaction, under a recorded release, as audit.retention does."""
    release = apps.get_model("audit", "HistoryRelease").objects.create(reason=reason)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [RELEASE_SETTING, str(release.pk)])


def _end_release(schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, '', true)", [RELEASE_SETTING])


def forwards(apps: Any, schema_editor: Any) -> None:
    Client = apps.get_model("clients", "Client")
    _to_countries(Client)
    # Past versions read as countries too, so they compare with the new ones (and fit 0014's
    # two-letter column); a release is recorded only when there is history to rewrite.
    history = apps.get_model("clients", "HistoricalClient")
    if history.objects.exclude(nationality="").exists():
        _release_history(apps, schema_editor, "Nationality becomes a country code (clients 0013)")
        _to_countries(history, keep_text=True)
        _end_release(schema_editor)
    for client in Client.objects.filter(support_needs__contains=[NO_RECOURSE_NEED]):
        client.support_needs = [n for n in client.support_needs if n != NO_RECOURSE_NEED]
        client.public_funds = "no_recourse"
        client.save(update_fields=["support_needs", "public_funds"])


def _to_text(model: Any) -> None:
    codes = model.objects.exclude(nationality="").values_list("nationality", flat=True).distinct()
    for code in list(codes.order_by()):
        model.objects.filter(nationality=code).update(nationality=name_of(code))
    unmapped = model.objects.exclude(nationality_as_recorded="")
    unmapped.update(nationality=models.F("nationality_as_recorded"))


def backwards(apps: Any, schema_editor: Any) -> None:
    Client = apps.get_model("clients", "Client")
    _to_text(Client)
    history = apps.get_model("clients", "HistoricalClient")
    if history.objects.exclude(nationality="", nationality_as_recorded="").exists():
        _release_history(apps, schema_editor, "Nationality back to free text (clients 0013 undone)")
        _to_text(history)
        _end_release(schema_editor)
    for client in Client.objects.filter(public_funds="no_recourse"):
        client.support_needs = [*client.support_needs, NO_RECOURSE_NEED]
        client.save(update_fields=["support_needs"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_nationality_as_recorded_public_funds"),
        ("audit", "0005_release_by_the_system_and_access_log_removal"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
