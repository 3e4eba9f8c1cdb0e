"""Log in with a username, an e-mail address or a phone number, and a password."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import User


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            user = User.objects.get_by_identifier(username)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)  # same work either way: no timing oracle on unknown names
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
