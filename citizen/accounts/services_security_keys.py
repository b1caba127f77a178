"""Security keys and passkeys (WebAuthn, through py_webauthn): an option beside the
authenticator app for two-step verification. Each ceremony's challenge is made here and
kept by the caller (the session) until the browser answers; the answer is checked
against it, the council's host and the site's origin, and a key's signature counter
with the device row locked."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .models import Account, SecurityKeyDevice


def security_keys(*, account: Account, rp_id: str):
    return SecurityKeyDevice.objects.filter(user=account, rp_id=rp_id, confirmed=True).order_by("created_at")


def registration_start(*, account: Account, rp_id: str, rp_name: str) -> tuple[str, str]:
    """The options for navigator.credentials.create (JSON) and the challenge to keep."""
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=rp_name,
        user_id=f"account-{account.pk}".encode(),
        user_name=account.email,
        user_display_name=account.get_full_name() or account.email,
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
            for key in security_keys(account=account, rp_id=rp_id)
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def registration_finish(
    *, account: Account, credential: str, challenge: str, rp_id: str, origin: str, name: str
) -> SecurityKeyDevice | None:
    """Keep the key the browser made, if its answer matches the challenge, host and
    origin; None when it does not."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        return None
    credential_id = bytes_to_base64url(verified.credential_id)
    if SecurityKeyDevice.objects.filter(credential_id=credential_id).exists():
        return None
    return SecurityKeyDevice.objects.create(
        user=account,
        name=name[:64] or "Security key",
        confirmed=True,
        credential_id=credential_id,
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        rp_id=rp_id,
    )


def authentication_start(*, account: Account, rp_id: str) -> tuple[str, str]:
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
            for key in security_keys(account=account, rp_id=rp_id)
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def authentication_finish(
    *, account: Account, credential: str, challenge: str, rp_id: str, origin: str
) -> SecurityKeyDevice | None:
    """The account's key that signed this challenge on this site, or None."""
    try:
        credential_id = json.loads(credential)["id"]
    except (ValueError, KeyError, TypeError):
        return None
    with transaction.atomic():
        device = (
            SecurityKeyDevice.objects.select_for_update()
            .filter(user=account, rp_id=rp_id, confirmed=True, credential_id=credential_id)
            .first()
        )
        if device is None:
            return None
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=base64url_to_bytes(device.public_key),
                credential_current_sign_count=device.sign_count,
            )
        except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
            return None
        device.sign_count = verified.new_sign_count
        device.last_used_at = timezone.now()
        device.save(update_fields=["sign_count", "last_used_at"])
    return device
