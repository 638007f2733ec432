"""Papers are judged by their content and size, stored privately and downloaded only by staff."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mars.roles import Role
from strategy import services
from strategy.models import Paper
from strategy.uploads import DOCX, ODT, PDF, XLSX, PaperRefused, paper_type
from tests.factories import GroupMeetingFactory
from tests.funds.files import image, pdf
from tests.strategy.files import docx, odt, xlsx, zip_of


def _type(content: bytes) -> str:
    return paper_type(io.BytesIO(content), size=len(content))


def test_each_accepted_kind_is_told_by_its_content() -> None:
    assert _type(pdf()) == PDF
    assert _type(docx("Hello")) == DOCX
    assert _type(xlsx()) == XLSX
    assert _type(odt()) == ODT


@pytest.mark.parametrize(
    "content, message",
    [
        (b"just some text, called paper.pdf", "Attach a PDF, Word"),
        (image("PNG"), "Attach a PDF, Word"),
        (zip_of({"notes.txt": b"a zip, not a document"}), "Attach a PDF, Word"),
        (zip_of({"mimetype": b"application/epub+zip"}), "Attach a PDF, Word"),
        (b"PK\x03\x04 not really a zip", "incomplete or damaged"),
        (b"%PDF-1.4 cut short", "incomplete or damaged"),
        (b"", "empty"),
    ],
)
def test_other_files_are_refused_with_a_reason(content: bytes, message: str) -> None:
    with pytest.raises(PaperRefused, match=message):
        _type(content)


def test_a_paper_over_the_size_limit_is_refused(settings) -> None:
    settings.STRATEGY_PAPER_MAX_BYTES = 1024
    content = docx("x" * 5000)
    with pytest.raises(PaperRefused, match="the most is 1 KB"):
        paper_type(io.BytesIO(content), size=2048)


@pytest.mark.django_db
def test_the_coordinator_uploads_a_paper_and_staff_download_it(as_role) -> None:
    meeting = GroupMeetingFactory()
    coordinator = as_role(Role.COORDINATOR)
    upload = SimpleUploadedFile("figures.xlsx", xlsx())
    response = coordinator.post(
        reverse("strategy:paper_create", args=[meeting.pk]),
        {"file": upload, "title": "", "kind": "paper"},
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert (paper.title, paper.content_type, paper.original_name) == (
        "figures",
        XLSX,
        "figures.xlsx",
    )
    assert paper.file.name.startswith("strategy/") and paper.file.name.endswith(".xlsx")
    assert paper.history.first().history_user is not None

    for role, status in [
        (Role.SUPPORT, 200),
        (Role.OUTREACH, 200),
        (Role.DIRECTOR, 200),
        (Role.PANEL, 404),
        (Role.COMMISSIONER, 404),
        (Role.ADMINISTRATOR, 404),
    ]:
        response = as_role(role).get(paper.get_absolute_url())
        assert response.status_code == status, role
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_refused_file_is_shown_beside_the_field_and_nothing_is_kept(as_role) -> None:
    meeting = GroupMeetingFactory()
    response = as_role(Role.COORDINATOR).post(
        reverse("strategy:paper_create", args=[meeting.pk]),
        {
            "file": SimpleUploadedFile("p.docx", b"not a doc"),
            "title": "Kept title",
            "kind": "paper",
        },
    )
    assert response.status_code == 200
    assert "Attach a PDF, Word" in response.content.decode()
    assert "Kept title" in response.content.decode()
    assert not Paper.objects.exists()


@pytest.mark.django_db
def test_a_support_worker_may_not_upload_a_paper(as_role) -> None:
    meeting = GroupMeetingFactory()
    response = as_role(Role.SUPPORT).post(
        reverse("strategy:paper_create", args=[meeting.pk]),
        {"file": SimpleUploadedFile("paper.pdf", pdf()), "kind": "paper"},
    )
    assert response.status_code == 403
    assert not Paper.objects.exists()


@pytest.mark.django_db
def test_no_paper_is_attached_to_a_cancelled_meeting(coordinator) -> None:
    meeting = GroupMeetingFactory(status="cancelled")
    with pytest.raises(services.StrategyError, match="cancelled"):
        services.upload_paper(meeting, SimpleUploadedFile("p.pdf", pdf()), by=coordinator)
