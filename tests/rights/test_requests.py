"""Recording and answering subject access and other data protection requests: the rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from clients import services as client_services
from mars.roles import Role
from rights import services
from rights.models import (
    AccessStatus,
    Decision,
    Requester,
    RightsKind,
    RightsRequest,
    SubjectAccessRequest,
)
from tests.clock import ORDINARY_DAY
from tests.factories import ClientFactory
from tests.rights.conftest import record

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def test_due_date_is_one_calendar_month_after_receipt_clamped_to_month_end():
    assert SubjectAccessRequest.due_for(date(2027, 1, 31)) == date(2027, 2, 28)
    assert SubjectAccessRequest.due_for(date(2028, 1, 31)) == date(2028, 2, 29)
    assert SubjectAccessRequest.due_for(date(2027, 5, 16)) == date(2027, 6, 16)


def test_recording_stores_the_due_date_and_waits_for_identity(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 5, 31))
    assert sar.due_on == date(2027, 6, 30)
    assert sar.status == AccessStatus.IDENTITY_AWAITED
    assert sar.recorded_by == coordinator
    assert sar.history.count() == 1


def test_identity_checked_when_recorded_starts_work_at_once(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1), identity_checked_on=date(2027, 6, 2))
    assert sar.status == AccessStatus.IN_PROGRESS


def test_a_representative_must_be_named(sam, coordinator):
    with pytest.raises(services.RightsError, match="Name the representative"):
        record(sam, coordinator, date(2027, 6, 1), requested_by=Requester.REPRESENTATIVE)
    assert not SubjectAccessRequest.objects.exists()


def test_received_in_the_future_is_refused(sam, coordinator):
    with pytest.raises(services.RightsError, match="future"):
        record(sam, coordinator, date(2027, 6, 17))


def test_a_second_open_request_for_the_same_person_is_refused(sam, coordinator):
    record(sam, coordinator, date(2027, 6, 1))
    with pytest.raises(services.RightsError, match="already has an open"):
        record(sam, coordinator, date(2027, 6, 2))
    assert SubjectAccessRequest.objects.count() == 1


def test_the_database_holds_one_open_request_a_person(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1))
    sar.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        sar.save()


def test_a_merged_record_takes_no_request(coordinator):
    survivor, duplicate = ClientFactory(), ClientFactory()
    client_services.merge_clients(duplicate, survivor, by=coordinator)
    duplicate.refresh_from_db()
    with pytest.raises(services.RightsError, match="merged into"):
        record(duplicate, coordinator, date(2027, 6, 1))


def test_extension_up_to_two_months_past_the_due_date_with_a_reason(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 5, 20))
    assert sar.due_on == date(2027, 6, 20)
    with pytest.raises(services.RightsError, match="Say why"):
        services.extend_request(sar, to=date(2027, 7, 20), reason=" ", by=coordinator)
    with pytest.raises(services.RightsError, match="at most two months"):
        services.extend_request(sar, to=date(2027, 8, 21), reason="Complex", by=coordinator)
    with pytest.raises(services.RightsError, match="past the due date"):
        services.extend_request(sar, to=date(2027, 6, 20), reason="Complex", by=coordinator)
    sar = services.extend_request(sar, to=date(2027, 8, 20), reason="Complex", by=coordinator)
    assert sar.deadline == date(2027, 8, 20)
    assert sar.history.first().history_change_reason == "Deadline extended"


def test_the_database_refuses_an_extension_past_two_months(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 5, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectAccessRequest.objects.filter(pk=sar.pk).update(
            extended_to=date(2027, 8, 21), extension_reason="Too long"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectAccessRequest.objects.filter(pk=sar.pk).update(extended_to=date(2027, 7, 1))


def test_days_left_and_overdue(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 5, 10))
    assert sar.days_left(date(2027, 6, 16)) == -6
    assert sar.is_overdue(date(2027, 6, 16))
    assert sar.time_left(date(2027, 6, 16)) == "Overdue by 6 days"
    assert sar.time_left(date(2027, 6, 9)) == "1 day left"


def test_completing_needs_identity_and_the_export(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1))
    with pytest.raises(services.RightsError, match="identity"):
        services.complete_request(sar, completed_on=date(2027, 6, 10), by=coordinator)
    sar = services.record_identity_check(sar, checked_on=date(2027, 6, 2), by=coordinator)
    with pytest.raises(services.RightsError, match="Make the export"):
        services.complete_request(sar, completed_on=date(2027, 6, 10), by=coordinator)
    services.note_export(sar, by=coordinator)
    sar = services.complete_request(sar, completed_on=date(2027, 6, 10), by=coordinator)
    assert sar.status == AccessStatus.COMPLETED
    with pytest.raises(services.RightsError, match="completed"):
        services.extend_request(sar, to=date(2027, 7, 10), reason="Late", by=coordinator)
    # Closed, the person may ask again.
    assert record(sam, coordinator, date(2027, 6, 12)).is_open


def test_identity_is_not_checked_before_receipt(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1))
    with pytest.raises(services.RightsError, match="on or after"):
        services.record_identity_check(sar, checked_on=date(2027, 5, 30), by=coordinator)


def test_closing_needs_a_reason_and_stops_the_export(sam, coordinator):
    sar = record(sam, coordinator, date(2027, 6, 1), identity_checked_on=date(2027, 6, 1))
    with pytest.raises(services.RightsError, match="reason"):
        services.close_request(sar, outcome=AccessStatus.WITHDRAWN, reason="", by=coordinator)
    sar = services.close_request(
        sar, outcome=AccessStatus.WITHDRAWN, reason="Asked us to stop", by=coordinator
    )
    assert sar.status == AccessStatus.WITHDRAWN
    with pytest.raises(services.RightsError, match="withdrawn"):
        services.note_export(sar, by=coordinator)


def _rights(client, by, **kwargs):
    fields = {"kind": RightsKind.ERASURE, "received_on": date(2027, 6, 1), "request": "Delete"}
    return services.record_rights_request(RightsRequest(client=client, **fields | kwargs), by=by)


def test_a_rights_request_is_decided_once_with_a_reason(sam, coordinator):
    request = _rights(sam, coordinator)
    with pytest.raises(services.RightsError, match="reason"):
        services.decide_rights_request(
            request,
            decision=Decision.REFUSED,
            reason="",
            decided_on=date(2027, 6, 2),
            by=coordinator,
        )
    with pytest.raises(services.RightsError, match="on or after"):
        services.decide_rights_request(
            request,
            decision=Decision.REFUSED,
            reason="x",
            decided_on=date(2027, 5, 2),
            by=coordinator,
        )
    decided = services.decide_rights_request(
        request,
        decision=Decision.PARTLY_AGREED,
        reason="Street notes kept for safeguarding; the rest erased.",
        decided_on=date(2027, 6, 2),
        by=coordinator,
    )
    assert decided.decided_by == coordinator
    with pytest.raises(services.RightsError, match="already decided"):
        services.decide_rights_request(
            decided,
            decision=Decision.AGREED,
            reason="x",
            decided_on=date(2027, 6, 3),
            by=coordinator,
        )


def test_the_same_rights_request_is_recorded_once(sam, coordinator):
    _rights(sam, coordinator)
    with pytest.raises(services.RightsError, match="already recorded"):
        _rights(sam, coordinator)
    assert RightsRequest.objects.count() == 1


def test_only_the_coordinator_has_the_rights_permissions(make_user):
    for role in Role:
        user = make_user(role, username=f"u-{role.name}")
        expected = role == Role.COORDINATOR
        assert user.has_perm("rights.view_subjectaccessrequest") is expected
        assert user.has_perm("rights.make_subject_access_export") is expected
        assert user.has_perm("rights.change_rightsrequest") is expected
