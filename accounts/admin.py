"""No account admin: staff accounts are managed on the staff pages (accounts.staff), which can give
only the roles in mars/roles.py. Django's user and group admins offer superuser status, single
permissions and any group; knox's token admin would show and issue anyone's tokens."""

from django.contrib import admin
from django.contrib.auth.models import Group, User
from knox.models import AuthToken

for model in (User, Group, AuthToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
