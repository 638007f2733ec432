"""The Django admin's two kinds of page for the apps' records: reference data the administrator
keeps, saved through the app's service (`ServiceAdmin`), and case data kept for looking
(`ReadOnlyAdmin`). No admin page saves a record any other way. The outbox of background jobs is
shown here, read-only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin import TabularInline
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from mars.models import IdempotencyKey, OutboxJob, OutboxState
from mars.pages import refusal_into_form
from mars.records import Refusal

REFUSAL = "_mars_admin_refusal"


class RecordAdmin(SimpleHistoryAdmin):
    """History is for looking: a revert would save an old version without the app's rules."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response


class ReadOnly:
    """An admin page for looking: nothing is added, changed or deleted through it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, RecordAdmin):
    """Case data the app's pages change (with their rules): here it can be found and read, with
    its history, but not added, changed or deleted."""


class ReadOnlyInline(TabularInline):
    """Rows shown inside a read-only record."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(RecordAdmin):
    """Reference data the administrator keeps, saved as the app saves it.

    A subclass's `save_model` (and `save_related`, for rows edited inline) calls the app's
    service with `by=request.user`. When the service refuses, everything is rolled back and the
    form comes back with what was typed and the refusal beside its field (or above the form).
    A record something else refers to is not deleted: it is retired by unticking "active".
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            response: HttpResponse = super().changeform_view(
                request, object_id, form_url, extra_context
            )
        except (Refusal, ValidationError) as refusal:
            # The view ran in a transaction, now rolled back. Showing the form again as Django
            # does for any invalid form (with the inline rows as typed) means validating it again,
            # this time with the refusal as one of its errors.
            setattr(request, REFUSAL, refusal)
            response = super().changeform_view(request, object_id, form_url, extra_context)
        return response

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        form: type[ModelForm[Any]] = super().get_form(request, obj, change, **kwargs)
        refusal: Exception | None = getattr(request, REFUSAL, None)
        if refusal is None:
            return form

        def clean(self: ModelForm[Any]) -> dict[str, Any]:
            data: dict[str, Any] = form.clean(self) or self.cleaned_data
            refusal_into_form(self, refusal)
            return data

        return type(form.__name__, (form,), {"clean": clean})

    def get_deleted_objects(
        self, objs: Iterable[models.Model], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *records_using(objs)]


def records_using(objs: Iterable[models.Model]) -> list[str]:
    """What refers to these records and would be deleted or changed with them (links from case
    records included), described for the admin's "cannot delete" list."""
    objs = list(objs)
    if not objs:
        return []
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    own = {(type(obj), obj.pk) for obj in objs}
    using = []
    for model, instances in collector.data.items():
        for instance in instances:
            if (model, instance.pk) in own:
                continue
            using.append(_describe(instance, own))
    return sorted(set(using))


def _describe(instance: models.Model, own: set[tuple[type[models.Model], Any]]) -> str:
    """A record by its kind and name; a many-to-many link by the record on its other side."""
    opts = instance._meta
    if opts.auto_created:
        for field in opts.get_fields():
            target = getattr(instance, field.name, None) if field.many_to_one else None
            if isinstance(target, models.Model) and (type(target), target.pk) not in own:
                return f"{str(target._meta.verbose_name).capitalize()}: {target}"
    return f"{str(opts.verbose_name).capitalize()}: {instance}"


class OutboxStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(OutboxState.choices)

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value == OutboxState.SENT:
            return queryset.filter(sent_at__isnull=False)
        if value == OutboxState.FAILING:
            return queryset.filter(sent_at__isnull=True).exclude(error="")
        if value == OutboxState.WAITING:
            return queryset.filter(sent_at__isnull=True, error="")
        return queryset


@admin.register(OutboxJob)
class OutboxJobAdmin(ReadOnly, admin.ModelAdmin):  # infrastructure: no history
    """Background jobs, for looking: an unsent or failing one shows Redis or a worker is in
    trouble (beat re-sends it every minute; nothing here sends, changes or deletes one)."""

    list_display = ["id", "task", "args", "state", "created_at", "attempts", "sent_at", "error"]
    list_filter = [OutboxStateFilter, "task"]
    search_fields = ["task"]
    date_hierarchy = "created_at"

    @admin.display(description="state")
    def state(self, job: OutboxJob) -> str:
        return job.state.label


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnly, admin.ModelAdmin):  # infrastructure: no history
    """The keys of creates sent with one (mars.idempotency), to look into a "sent twice"
    question."""

    list_display = ["created_at", "user", "method", "path", "status", "key"]
    list_filter = ["method", "status"]
    search_fields = ["key", "path", "user__username"]
    date_hierarchy = "created_at"
    exclude = ["body"]
