"""The phone's outreach pages: log a contact or a sighting, start today's session.

They work with no signal. What the worker saves goes first into a queue on the phone
(static/js/phone-queue.js) and is sent from there to the API (POST /api/contacts/,
POST /api/outreach-sessions/), so there is one way to save, online or not, and no second
server-side save path here. The service worker keeps these pages as its shell (fetched with
X-MARS-Shell), so they carry no person data: the person is chosen on the phone from its list.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mars import access
from mars.context_processors import is_shell_request
from outreach import services
from outreach.forms import ContactForm, SessionForm
from outreach.models import Contact, ContactKind, Engagement, OutreachSession, Verification


class PhoneContactForm(ContactForm):
    """The contact form with the person as a plain id the phone fills in (its field names are
    the API's); the time is left empty, meaning "when Save is pressed"."""

    client = forms.IntegerField(
        required=False, widget=forms.HiddenInput(attrs={"data-label": "Person"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, unidentified=True, **kwargs)  # type: ignore[arg-type]  # ModelForm's own
        self.fields["description"].required = False  # required in sighting mode, by the phone
        self.fields["at"].required = False
        # Not the model's default (now, when the page was made): empty means "when Save is pressed".
        self.fields["at"].show_hidden_initial = False
        self.initial["at"] = None
        self.fields["at"].help_text = "Leave empty for the moment you press Save."


@require_GET
@login_required
def log(request: HttpRequest) -> HttpResponse:
    """Log a contact with someone on the phone's list, or an unidentified sighting.

    Online, today's session of the person signed in is chosen; the copy the service worker keeps
    (a shell request) chooses none, as it may open for someone else."""
    access.require(request.user, access.perm(Contact, "add"))
    initial: dict[str, object] = {
        "kind": ContactKind.STREET_OUTREACH,
        "engagement": Engagement.ENGAGED,
        "verification": Verification.SEEN_BY_WORKER,
    }
    if not is_shell_request(request):
        initial["session"] = services.todays_session(request.user)
    form = PhoneContactForm(initial=initial)
    return render(request, "outreach/phone_log.html", {"form": form})


@require_GET
@login_required
def session_start(request: HttpRequest) -> HttpResponse:
    """Start today's session from the phone; the date and time are the phone's at Save."""
    access.require(request.user, access.perm(OutreachSession, "add"))
    form = SessionForm(initial={"staff": [request.user]})
    form.fields["date"].help_text = "Today, unless you change it."
    form.fields["start_time"].help_text = "Now, unless you change it."
    return render(request, "outreach/phone_session_start.html", {"form": form})
