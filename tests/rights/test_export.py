"""The subject access export: what it holds, what it redacts, and the same export from the
server's command."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AccessEvent
from clients import services as client_services
from funds import services as funds
from funds.models import PaymentRequest
from mars.models import Notification
from rights import export
from rights.contents import EXPORTED
from tests import factories as f
from tests.clock import ORDINARY_DAY
from tests.funds.files import image

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _open(client) -> tuple[zipfile.ZipFile, dict]:
    out = io.BytesIO()
    data = export.write_zip(client, out, made_by="Test")
    return zipfile.ZipFile(out), data


def _part(data: dict, model: str) -> dict:
    return next(p for s in data["sections"] for p in s["parts"] if p["model"] == model)


def _pdf_text(archive: zipfile.ZipFile) -> str:
    name = next(n for n in archive.namelist() if n.endswith(".pdf"))
    reader = pypdf.PdfReader(io.BytesIO(archive.read(name)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_export_holds_the_persons_records_with_history_and_who(sam, support):
    f.ContactFactory(client=sam, worker=support, notes="Hot drink and a chat")
    f.ContactFactory(worker=support, notes="Someone else's contact")
    f.HealthAccessFactory(client=sam, notes="GP registered")
    archive, data = _open(sam)
    contacts = _part(data, "outreach.Contact")["records"]
    assert [c["fields"]["notes"] for c in contacts] == ["Hot drink and a chat"]
    assert contacts[0]["fields"]["worker"] == support.get_full_name()
    assert contacts[0]["history"][0]["action"] == "Created"
    assert len(_part(data, "clients.HealthAccess")["records"]) == 1
    stored = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith(".json"))))
    assert stored["person"]["reference"] == sam.reference
    text = _pdf_text(archive)
    for section in ("Identity", "Street contacts", "Health access", "Payments and receipts"):
        assert section in text
    assert "Hot drink and a chat" in text


def test_other_peoples_names_are_redacted_and_listed(sam, support):
    other = f.ClientFactory(first_name="Gareth", last_name="Thorne", known_as="Gaz")
    f.ClientFactory(first_name="Bob", last_name="Nobody-mentioned")
    f.ContactFactory(
        client=sam, worker=support, notes="Sat with gareth  Thorne and Gaz by the station."
    )
    archive, data = _open(sam)
    notes = _part(data, "outreach.Contact")["records"][0]["fields"]["notes"]
    assert "Gareth" not in notes and "Gaz" not in notes and "Thorne" not in notes
    assert notes.count(export.REDACTED) == 2
    listed = archive.read("REDACTIONS.txt").decode()
    assert "Contact #" in listed and "Notes" in listed
    assert "Gareth" not in listed  # the list says where, never the name itself
    # The history of the record is redacted too.
    assert "Gareth" not in json.dumps(data)
    assert other.reference not in json.dumps(data)


def test_staff_names_and_the_persons_own_names_stay(sam, make_user):
    worker = make_user("support worker", first_name="Sam", last_name="Example")
    f.ClientFactory(first_name="Sam", last_name="Example")  # another person of the same name
    f.ContactFactory(client=sam, worker=worker, notes="Sam Example said hello to Sam Example.")
    _, data = _open(sam)
    notes = _part(data, "outreach.Contact")["records"][0]["fields"]["notes"]
    assert notes == "Sam Example said hello to Sam Example."


def test_a_merged_duplicates_records_are_the_persons_own(sam, coordinator, support):
    duplicate = f.ClientFactory(first_name="Sammy", last_name="Exampel")
    f.ContactFactory(client=duplicate, worker=support, notes="Before the merge")
    client_services.merge_clients(duplicate, sam, by=coordinator)
    _, data = _open(sam)
    assert {r["fields"]["reference"] for r in _part(data, "clients.Client")["records"]} == {
        sam.reference,
        duplicate.reference,
    }
    assert _part(data, "outreach.Contact")["records"][0]["fields"]["notes"] == "Before the merge"


def test_a_link_to_another_person_in_history_is_redacted(sam, support):
    other = f.ClientFactory()
    contact = f.ContactFactory(client=other, worker=support)
    contact.client = sam
    contact.save()
    _, data = _open(sam)
    versions = _part(data, "outreach.Contact")["records"][0]["history"]
    assert [v["fields"]["client"] for v in versions] == [export.ANOTHER_PERSON, "this person"]
    assert any(r["what"] == "a link to another person's record" for r in data["redactions"])


def test_receipts_notifications_and_the_access_log_are_in(sam, support, coordinator):
    fund = f.FundFactory()
    request = funds.request_payment(
        PaymentRequest(
            fund=fund, client=sam, amount=Decimal("12.50"), purpose="Food", payee="Shop"
        ),
        by=support,
    )
    upload = SimpleUploadedFile("receipt.png", image("PNG"), content_type="image/png")
    funds.attach_receipt(request, upload, kind="receipt", by=support)
    Notification.objects.create(
        recipient=coordinator, key="x", subject="Payment to approve", url=request.get_absolute_url()
    )
    Notification.objects.create(recipient=coordinator, key="y", subject="Unrelated", url="/x/")
    AccessEvent.objects.create(
        user=coordinator, username="coordinator", people=[sam.pk], what="person page", path="/"
    )
    archive, data = _open(sam)
    receipts = _part(data, "funds.Receipt")["records"]
    assert receipts and receipts[0]["fields"]["file_in_export"] in archive.namelist()
    subjects = [n["subject"] for n in data["notifications"]]
    assert "Payment to approve" in subjects and "Unrelated" not in subjects
    assert [e["what"] for e in data["access_log"]] == ["person page"]


def test_every_part_of_the_export_is_a_model():
    from django.apps import apps

    for part in EXPORTED:
        apps.get_model(part.model)


def test_the_command_makes_the_same_export_and_logs_it_as_the_system(sam, tmp_path: Path):
    f.HealthAccessFactory(client=sam)
    target = tmp_path / "out.zip"
    call_command("subject_access", sam.reference.lower(), str(target), stdout=io.StringIO())
    archive = zipfile.ZipFile(target)
    assert {n.rsplit(".", 1)[-1] for n in archive.namelist()} >= {"pdf", "json", "txt"}
    event = AccessEvent.objects.about(sam.pk).get()
    assert event.user is None
    assert event.username == "manage.py subject_access"
    assert event.what == "subject access export"


def test_the_command_refuses_an_unknown_reference(db, tmp_path: Path):
    with pytest.raises(CommandError, match="No person"):
        call_command("subject_access", "MARS-999999", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_a_busy_person_exports_in_reasonable_queries(sam, support, django_assert_max_num_queries):
    session = f.OutreachSessionFactory()
    start = timezone.now() - timedelta(days=300)
    for day in range(60):
        f.ContactFactory(
            client=sam, worker=support, session=session, at=start + timedelta(days=day)
        )
    for day in range(5):
        f.HealthAccessFactory(client=sam, date=date(2027, 1, 1) + timedelta(days=day))
    # A query or two a model, not a query a record.
    with django_assert_max_num_queries(150):
        export.Builder(sam).build(made_by="Test")


def test_a_deleted_record_about_the_person_is_in_with_its_history(coordinator):
    from clients.models import ClientAlias
    from mars.records import note_change

    sam = f.ClientFactory(aliases=["Old Sam"])
    alias = ClientAlias.objects.get(client=sam)
    note_change(alias, by=coordinator, reason="Not his name")
    alias.delete()
    _, data = _open(sam)
    aliases = _part(data, "clients.ClientAlias")["records"]
    assert [a["fields"]["name"] for a in aliases] == ["Old Sam"]
    assert aliases[0]["label"].startswith("Client alias (deleted or moved)")
    assert [v["action"] for v in aliases[0]["history"]] == ["Created", "Deleted"]
