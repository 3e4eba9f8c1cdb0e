"""Django's own user-facing messages that its Uzbek catalogue leaves untranslated (password rules, login
forms, form-set limits). Listing them here lets makemessages put them in our catalogues, where they are
translated like every other string; our catalogues take precedence over Django's. Nothing imports this
module at run time: it exists for extraction."""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORDS = [
    ngettext_lazy("This password is too short. It must contain at least %(min_length)d character.",
                  "This password is too short. It must contain at least %(min_length)d characters.", "min_length"),
    ngettext_lazy("Your password must contain at least %(min_length)d character.",
                  "Your password must contain at least %(min_length)d characters.", "min_length"),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Old password"),
    gettext_noop("Password (again)"),
]

ACCOUNTS = [
    gettext_noop("A user with that username already exists."),
    gettext_noop("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
]
