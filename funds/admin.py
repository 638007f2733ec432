from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from funds import services
from funds.forms import FundForm
from funds.models import Fund


class FundAdminForm(FundForm):
    """The app's fund form, with the rules the service checks shown beside the fields."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        fund = copy.copy(self.instance)
        for name, value in data.items():
            setattr(fund, name, value)
        try:
            services.check_fund(fund)
        except services.FundsError as error:
            raise ValidationError(
                {error.field: str(error)} if error.field else str(error)
            ) from error
        return data


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    """Funds are reference data the administrator may keep; requests and payments stay out."""

    form = FundAdminForm
    list_display = ["name", "kind", "year", "budget", "approval_threshold"]
    list_filter = ["year", "kind"]
    search_fields = ["name"]

    def save_model(self, request: Any, obj: Fund, form: Any, change: bool) -> None:
        with transaction.atomic():
            services.save_fund(obj, by=request.user)
