"""The coordinator records a subject access request, makes the export and opens its PDF."""

import io
import re
import zipfile

import pypdf
import pytest
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coordinator_makes_a_subject_access_export_and_opens_its_pdf(open_page, size, tmp_path):
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    worker = UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen")
    sam = ClientFactory(first_name="Sam", last_name="Example")
    ClientFactory(first_name="Gareth", last_name="Thorne")
    ContactFactory(client=sam, worker=worker, notes="Shared a doorway with Gareth Thorne.")

    page = open_page(size)
    sign_in(page, "coordinator")
    page.goto(f"/people/{sam.pk}/")
    page.get_by_role("link", name="Data protection requests").click()
    page.get_by_role("link", name="Record a subject access request").click()
    page.get_by_label("The person themselves").check()
    today = page.get_by_label("Received on").input_value()
    page.get_by_label("Identity checked on").fill(today)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Subject access request recorded.")).to_be_visible()
    expect(page.get_by_text("In progress").first).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Make the export").click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    assert re.fullmatch(r"subject-access-MARS-\d{6}-[\d-]+\.zip", download.value.suggested_filename)
    archive = zipfile.ZipFile(saved)
    assert any(name.endswith(".pdf") for name in archive.namelist())
    assert (
        "Gareth"
        not in archive.read(next(n for n in archive.namelist() if n.endswith(".json"))).decode()
    )

    # "View PDF" serves the same PDF: its content type, and the person's sections in it.
    href = page.get_by_role("link", name="View PDF").get_attribute("href")
    answer = page.request.get(href)
    assert answer.ok
    assert answer.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(answer.body()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for section in ("Identity", "Street contacts", "Payments and receipts", "Who has looked"):
        assert section in text
    assert sam.reference in text and "Gareth" not in text

    # The request is on the coordinator's list, with its due date.
    page.goto("/data-protection/")
    expect(page.get_by_role("link", name=re.compile("Sam Example"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"days? left"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert page.console_errors == []
