from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 50 by default, up to 500; a page size that is not a whole number from 1 to 500 is a 400,
    not silently ignored."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if values and values[-1] != "":  # an empty field (as from an HTML form) means the default
            raw = values[-1]
            if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
                raise ValidationError({self.page_size_query_param: [
                    _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size}]})
            return int(raw)
        return self.page_size

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_query_param:
                p["schema"] = {"type": "integer", "minimum": 1}
            elif p["name"] == self.page_size_query_param:
                p["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return params
