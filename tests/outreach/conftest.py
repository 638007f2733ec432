from __future__ import annotations

import pytest

from tests.factories import (
    ContactFactory,
    HotspotFactory,
    InterventionFactory,
    OutreachSessionFactory,
    PublicReportFactory,
    RoughSleepingCountFactory,
    SwepActivationFactory,
)


@pytest.fixture
def records(db, sam):  # type: ignore[no-untyped-def]
    """One of every outreach record, about Sam where it is about a person."""
    from outreach.models import CountedPerson, SwepOffer

    hotspot = HotspotFactory(name="Royal Parade doorways")
    session = OutreachSessionFactory()
    contact = ContactFactory(client=sam, hotspot=hotspot, session=session)
    sighting = ContactFactory(client=None, description="Man in green sleeping bag")
    report = PublicReportFactory()
    intervention = InterventionFactory(client=sam)
    swep = SwepActivationFactory()
    offer = SwepOffer.objects.create(
        activation=swep,
        client=sam,
        offered_on=swep.starts.date(),
        offer="shelter_bed",
        accepted=True,
        made_by=swep.activated_by,
    )
    count = RoughSleepingCountFactory()
    counted = CountedPerson.objects.create(
        count=count, client=sam, gender="male", age_band="26_plus", nationality_group="uk"
    )
    return {
        "hotspot": hotspot,
        "session": session,
        "contact": contact,
        "sighting": sighting,
        "report": report,
        "intervention": intervention,
        "swep": swep,
        "offer": offer,
        "count": count,
        "counted": counted,
    }
