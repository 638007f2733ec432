"""What the record pages of every app share: the record page, the form page, safe redirects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from mars import access, reads
from mars.history import Mask, history_entries

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    """A request through django-htmx's middleware, which says whether htmx sent it."""

    htmx: HtmxDetails


def page_of(request: HttpRequest, items: Sequence[Any] | QuerySet[Any]) -> Page[Any]:
    """The page of a list the request asks for (?page=N), PAGE_SIZE to a page. The people on it
    are noted as read (the access log's)."""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's rows are fetched here rather than in the template: the same one query.
    page.object_list = list(page.object_list)
    if page.object_list and isinstance(page.object_list[0], models.Model):
        model = type(page.object_list[0])
        reads.note_records(page.object_list, f"list of {model._meta.verbose_name_plural}")
    return page


def history_of(obj: Any, *extra: tuple[str, Any], mask: Mask | None = None) -> list[Any]:
    return history_entries(("", obj.history.select_related("history_user")), *extra, mask=mask)


def record_page(
    request: HttpRequest,
    obj: Any,
    rows: list[tuple[str, Any]],
    *,
    edit_url: str | None = None,
    template: str = "records/detail.html",
    history: list[Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "object": obj,
            "client": extra.pop("client", getattr(obj, "client", None)),
            "title": extra.pop("title", str(obj)),
            "rows": rows,
            "history": history if history is not None else history_of(obj),
            "can_change": access.can_change(request.user, type(obj)),
            "edit_url": edit_url,
            **extra,
        },
    )


def form_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        extra.pop("template", "records/form.html"),
        {"form": form, "title": title, **extra},
    )


def safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def refusal_into_form(form: Any, error: Exception) -> None:
    """Show a service's refusal on the form: beside the field it names, else above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, str(error))


def service_form(
    request: HttpRequest,
    form: Any,
    title: str,
    *,
    run: Callable[[dict[str, Any]], Any],
    refusals: tuple[type[Exception], ...],
    done: Callable[[Any], Any],
    message: str,
    formsets: Sequence[Any] = (),
    **extra: Any,
) -> HttpResponse:
    """A form (with any formsets of rows) whose valid input goes to one service call: a refusal
    is shown on the form with everything typed kept; success says so and goes on to
    done(result)."""
    valid = [form.is_valid(), *(formset.is_valid() for formset in formsets)]
    if request.method == "POST" and all(valid):
        caught: tuple[type[Exception], ...] = (*refusals, ValidationError)
        try:
            result = run(form.cleaned_data)
        except caught as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, message)
            return redirect(done(result))
    return form_page(request, form, title, **extra)
