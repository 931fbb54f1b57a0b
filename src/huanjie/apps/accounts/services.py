"""Users and their roles (each change audited)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from huanjie.apps.accounts.models import Membership, Role
from huanjie.apps.audit.services import audit_record
from huanjie.apps.places.models import Area


def user_create(
    *,
    acting_user: AbstractBaseUser | None,
    username: str,
    password: str,
    full_name: str,
    role: Role,
    area: Area,
    check_password: bool = True,
) -> AbstractBaseUser:
    """Create a user holding one role in one area. Passwords are hashed with Argon2."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=username.strip(), first_name=full_name.strip())
        if check_password:
            validate_password(password, user)
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, area=area, role=role)
        audit_record(
            acting_user=acting_user,
            action="user.create",
            obj=user,
            area=area,
            after={
                "username": user.get_username(),
                "name": full_name,
                "role": str(role),
                "area": area.pk,
            },
        )
    return user
