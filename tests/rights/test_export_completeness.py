"""Every model that reaches a person is in the subject access export or deliberately left out.

The walk starts at the person model and follows each model's related objects in turn (reverse
foreign keys, one-to-ones and many-to-manys), skipping history models and models already seen.
A new model about people fails here until it has a line in rights/contents.py: EXPORTED (with
the lookups to the person) or LEFT_OUT (with the reason).
"""

from __future__ import annotations

from django.db import models

from clients.models import Client
from rights.contents import EXPORTED, LEFT_OUT


def _is_history(model: type[models.Model]) -> bool:
    # simple_history's models carry the tracked model as `instance_type`.
    return hasattr(model, "instance_type") and model.__name__.startswith("Historical")


def reachable_from(start: type[models.Model]) -> set[str]:
    seen: set[type[models.Model]] = {start}
    stack = [start]
    while stack:
        model = stack.pop()
        for relation in model._meta.related_objects:
            related = relation.related_model
            if not isinstance(related, type) or _is_history(related) or related in seen:
                continue
            seen.add(related)
            stack.append(related)
    return {model._meta.label for model in seen}


def test_every_model_that_reaches_a_person_is_exported_or_left_out_with_a_reason():
    covered = {part.model for part in EXPORTED} | set(LEFT_OUT)
    missing = sorted(reachable_from(Client) - covered)
    assert not missing, (
        "Add each to rights/contents.py, in EXPORTED (section, model, lookups to the person) "
        f"or in LEFT_OUT with the reason: {missing}"
    )


def test_each_left_out_model_says_why():
    assert all(reason.strip() for reason in LEFT_OUT.values())


def test_nothing_is_both_exported_and_left_out():
    assert not {part.model for part in EXPORTED} & set(LEFT_OUT)


def test_the_walk_finds_records_two_steps_away():
    reached = reachable_from(Client)
    # A goal reaches the person through its plan; a receipt through its payment request.
    assert {"clients.SupportGoal", "funds.Receipt", "risk.MeetingAction"} <= reached
