from __future__ import annotations

from datetime import date
from typing import Any

from rights import services
from rights.models import Requester, SubjectAccessRequest


def record(client: Any, by: Any, received_on: date, **kwargs: Any) -> SubjectAccessRequest:
    """A subject access request recorded through the service, as the page would."""
    fields: dict[str, Any] = {"requested_by": Requester.PERSON} | kwargs
    return services.record_access_request(
        SubjectAccessRequest(client=client, received_on=received_on, **fields), by=by
    )
