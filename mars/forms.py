from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field in one wrapper: label, help, the error beside the field, then the input."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
