"""One identity for everyone who signs in (public schema). What an account may do in
a council is held in that council's schema (staff and family memberships)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> Account:
        if not email:
            raise ValueError("An account needs an email address.")
        account = self.model(email=self.normalize_email(email).lower(), **fields)
        account.set_password(password)
        account.full_clean(exclude=["password"])
        account.save(using=self._db)
        return account

    def create_user(self, email: str, password: str | None = None, **fields) -> Account:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> Account:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str) -> Account:
        return self.get(email__iexact=username)


class Account(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: a parent, carer, young person, council staff member, or
    (with is_staff) a platform operator on the platform's own site."""

    email = models.EmailField(max_length=254, unique=True)  # kept lower-case by the manager
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Platform operator: may use the platform admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    password_changed_at = models.DateTimeField(default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="account_email_unique_ci")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email
