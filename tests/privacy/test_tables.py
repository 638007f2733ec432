"""The code's tables hold to the models: every free-text field on a person's records is either
erased by retention or kept with a reason, and every model holding case data is in the register."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from clients.models import Client
from privacy import tables


def free_text(model: type[models.Model]) -> set[str]:
    """Text and file fields a person could write anything in (choices are not free text)."""
    return {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.FileField) and not f.choices
    }


def records_of_a_person() -> set[type[models.Model]]:
    """Client and every model reached from it through reverse relations, recursively (the
    history models are the records' own and follow them)."""
    found: set[type[models.Model]] = {Client}
    frontier: list[type[models.Model]] = [Client]
    while frontier:
        model = frontier.pop()
        for relation in model._meta.related_objects:
            related = relation.related_model
            if related.__name__.startswith("Historical") or related in found:
                continue
            found.add(related)
            frontier.append(related)
    return found


def test_every_free_text_field_on_a_persons_records_is_erased_or_kept_with_a_reason() -> None:
    erased: dict[str, set[str]] = {}
    for entry in tables.ERASED:
        erased.setdefault(entry.model, set()).update(entry.fields, entry.files)
    erased["clients.Client"] = set(tables.CLIENT_ERASED)
    unclassified = []
    for model in records_of_a_person():
        label = model._meta.label
        if label in tables.DELETED:
            continue
        kept = tables.KEPT.get(label, {})
        for name in sorted(free_text(model)):
            if name not in erased.get(label, set()) and name not in kept:
                unclassified.append(f"{label}.{name}")
    assert not unclassified, (
        "Free text on a person's records that retention neither erases (privacy.tables.ERASED) "
        f"nor keeps with a reason (privacy.tables.KEPT): {unclassified}"
    )


def test_the_tables_name_only_fields_that_exist_and_every_erased_model_keeps_history() -> None:
    for entry in tables.ERASED:
        model = apps.get_model(entry.model)
        for name in (*entry.fields, *entry.files, *entry.via):
            model._meta.get_field(name)
        assert hasattr(model, "history"), f"{entry.model}: its history must be erased too"
    for label, kept in tables.KEPT.items():
        for name in kept:
            apps.get_model(label)._meta.get_field(name)
    for activity in tables.ACTIVITY:
        apps.get_model(activity.model)


def test_each_erased_model_is_reached_from_the_person_or_an_earlier_entry() -> None:
    known = {"clients.Client"}
    for entry in tables.ERASED:
        model = apps.get_model(entry.model)
        for via in entry.via:
            parent = model._meta.get_field(via).related_model
            assert parent is not None and parent._meta.label in known, (entry.model, via)
        known.add(entry.model)


def test_the_need_to_know_fields_are_the_special_category_rules_own() -> None:
    from clients.special import SPECIAL_CATEGORY

    assert tables.SPECIAL_CATEGORY_PERMISSION == SPECIAL_CATEGORY
    with_a_sensitive_flag = {
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if any(f.name == "sensitive" for f in m._meta.concrete_fields)
        and not m.__name__.startswith("Historical")
    }
    assert set(tables.SENSITIVE_NOTES) == with_a_sensitive_flag
    for label, names in {**tables.NEED_TO_KNOW, **tables.SENSITIVE_NOTES}.items():
        fields = {f.name for f in apps.get_model(label)._meta.concrete_fields}
        assert set(names) <= fields, label


def test_every_model_holding_case_data_is_in_the_register() -> None:
    held = {h.model for h in tables.HELD}
    categories = {c.key for c in tables.CATEGORIES}
    missing = sorted(
        model._meta.label for model in records_of_a_person() if model._meta.label not in held
    )
    assert not missing, f"Models holding case data missing from privacy.tables.HELD: {missing}"
    for h in tables.HELD:
        model = apps.get_model(h.model)
        assert h.category in categories
        for name, category in h.fields.items():
            model._meta.get_field(name)
            assert category in categories
