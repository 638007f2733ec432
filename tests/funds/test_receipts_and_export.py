"""Receipts judged by their content, and the finance export written so no cell can run."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from funds import services
from funds.models import PaymentRequest, Receipt
from mars.spreadsheets import safe_text
from tests.factories import PaymentRequestFactory
from tests.funds.files import image, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(personal_budget, support):  # type: ignore[no-untyped-def]
    return PaymentRequestFactory(fund=personal_budget, requested_by=support)


@pytest.mark.parametrize(
    ("content", "kind"),
    [(image("PNG"), "image/png"), (image("JPEG"), "image/jpeg"), (pdf(), "application/pdf")],
)
def test_pdf_jpeg_and_png_are_taken_by_content(request_, support, content, kind):
    receipt = services.attach_receipt(
        request_, ContentFile(content, name="scan.bin"), kind="invoice", by=support
    )
    assert receipt.content_type == kind
    assert receipt.file.name.endswith({"image/png": ".png", "image/jpeg": ".jpg"}.get(kind, ".pdf"))
    assert "scan" not in receipt.file.name  # the stored name is never the uploaded one


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "receipt.pdf"),
        (b"MZ\x90\x00 an executable", "invoice.png"),
        (b"%PDF-1.7 but it stops here", "cut.pdf"),
        (image("PNG")[:40], "cut.png"),
        (image("GIF"), "anim.png"),
    ],
)
def test_other_content_is_refused_whatever_its_name(request_, support, content, name):
    with pytest.raises(services.FundsError) as refused:
        services.attach_receipt(
            request_, ContentFile(content, name=name), kind="receipt", by=support
        )
    assert refused.value.field == "file"
    assert not Receipt.objects.exists()


@override_settings(RECEIPT_MAX_BYTES=1024)
def test_a_file_over_the_limit_is_refused_on_the_page(client, request_, support):
    client.force_login(support)
    big = pdf() + b"%" * 2048 + b"\n%%EOF"
    response = client.post(
        reverse("funds:receipt_create", args=[request_.pk]),
        {"kind": "receipt", "file": SimpleUploadedFile("big.pdf", big)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"The file is {round(len(big) / 1024)} KB: the most is 1 KB." in page
    assert not Receipt.objects.exists()


def test_a_receipt_is_attached_through_the_api(client, request_, support):
    client.force_login(support)
    response = client.post(
        f"/api/payment-requests/{request_.pk}/receipts/",
        {"kind": "invoice", "file": SimpleUploadedFile("inv.pdf", pdf())},
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"
    refused = client.post(
        f"/api/payment-requests/{request_.pk}/receipts/",
        {"kind": "invoice", "file": SimpleUploadedFile("inv.pdf", b"not a pdf")},
    )
    assert refused.status_code == 400
    assert "PDF, JPEG or PNG" in refused.json()["detail"]
    download = client.get(response.json()["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_receipts_are_not_under_any_public_url(client, request_, support, settings):
    receipt = services.attach_receipt(
        request_, ContentFile(image(), name="r.png"), kind="receipt", by=support
    )
    assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)
    assert client.get(f"/static/{receipt.file.name}").status_code == 404
    assert client.get(f"/media/{receipt.file.name}").status_code in (302, 404)


def test_safe_text_defuses_every_formula_start():
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        assert safe_text(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert safe_text("Argos") == "Argos"


@pytest.fixture
def paid(personal_budget, sam, support, coordinator):  # type: ignore[no-untyped-def]
    request = services.request_payment(
        PaymentRequest(
            fund=personal_budget,
            client=sam,
            amount=Decimal("55.25"),
            payee='=HYPERLINK("http://evil.example","Argos")',
            purpose="@SUM(A1:A9) bedding",
        ),
        by=support,
    )
    services.approve_payment(request, by=coordinator)
    services.record_payment(
        request, paid_on=timezone.localdate(), method="card", reference="-1+2", by=coordinator
    )
    return request


def test_csv_export_writes_formulas_as_text(client, coordinator, paid, personal_budget):
    client.force_login(coordinator)
    today = timezone.localdate().isoformat()
    response = client.get(
        reverse("funds:export"),
        {"paid_from": today, "paid_to": today, "fund": personal_budget.pk, "format": "csv"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["Payee"] == '\'=HYPERLINK("http://evil.example","Argos")'
    assert record["Purpose"] == "'@SUM(A1:A9) bedding"
    assert record["Payment reference"] == "'-1+2"
    assert record["Amount (£)"] == "55.25"
    assert record["Person (MARS reference)"] == paid.client.reference
    assert paid.client.first_name not in response.content.decode("utf-8-sig")


def test_xlsx_export_has_no_formula_cells(client, coordinator, paid):
    client.force_login(coordinator)
    today = timezone.localdate().isoformat()
    response = client.get(
        "/api/payments/export/", {"paid_from": today, "paid_to": today, "spreadsheet": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert '\'=HYPERLINK("http://evil.example","Argos")' in values
    assert Decimal(str(sheet.cell(row=2, column=6).value)) == Decimal("55.25")


def test_export_takes_only_the_period_asked(client, coordinator, paid):
    client.force_login(coordinator)
    response = client.get(
        reverse("funds:export"),
        {"paid_from": "2020-04-01", "paid_to": "2020-04-30", "format": "csv"},
    )
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 1


def test_export_refuses_a_period_that_ends_before_it_starts(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("funds:export"),
        {"paid_from": "2026-05-01", "paid_to": "2026-04-01", "format": "csv"},
    )
    assert (
        response.status_code == 200
        and "The end comes before the start." in response.content.decode()
    )
