"""Event types written by the receptions services, with their names as people read them."""

from django.utils.translation import gettext_lazy as _

from nazorat.core.events import register_labels

SCHEDULE_CREATED = "reception.schedule_created"
SCHEDULE_UPDATED = "reception.schedule_updated"
SCHEDULE_PUBLISHED = "reception.schedule_published"
SCHEDULE_UNPUBLISHED = "reception.schedule_unpublished"
SLOTS_GENERATED = "reception.slots_generated"
BOOKED = "reception.booked"
CANCELLED = "reception.booking_cancelled"
ATTENDED = "reception.attended"
NO_SHOW = "reception.no_show"

register_labels({
    SCHEDULE_CREATED: _("Reception schedule created"),
    SCHEDULE_UPDATED: _("Reception schedule changed"),
    SCHEDULE_PUBLISHED: _("Reception schedule published"),
    SCHEDULE_UNPUBLISHED: _("Reception schedule withdrawn from publication"),
    SLOTS_GENERATED: _("Reception times prepared"),
    BOOKED: _("Booked for a reception"),
    CANCELLED: _("Reception booking cancelled"),
    ATTENDED: _("Received at the reception"),
    NO_SHOW: _("Did not come to the reception"),
})
