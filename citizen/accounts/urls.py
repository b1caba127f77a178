"""Sign-in journeys on a council's site. Every name here is part of the journeys'
contract (templates and emails link to them)."""

from django.urls import path

from .views import account, registration, security_keys, sign_in, two_step, two_step_app

app_name = "accounts"

urlpatterns = [
    # Registration and activation (views/registration.py)
    path("register/", registration.register, name="register"),
    path("register/check-your-email/", registration.register_sent, name="register-sent"),
    path("activate/<str:uidb64>/<str:token>/", registration.activate, name="activate"),
    path("activate/resend/", registration.activation_resend, name="activation-resend"),
    # Forgotten password (views/registration.py)
    path("password/forgotten/", registration.password_reset, name="password-reset"),
    path("password/forgotten/check-your-email/", registration.password_reset_sent, name="password-reset-sent"),
    path(
        "password/reset/<str:uidb64>/<str:token>/", registration.password_reset_confirm, name="password-reset-confirm"
    ),
    path("password/reset/done/", registration.password_reset_done, name="password-reset-done"),
    # Signing in and out (views/sign_in.py)
    path("sign-in/", sign_in.sign_in, name="sign-in"),
    path("sign-out/", sign_in.sign_out, name="sign-out"),
    path("signed-out/", sign_in.timed_out, name="timed-out"),
    path("password/change-required/", sign_in.password_change_required, name="password-change-required"),
    # Two-step verification (views/two_step.py)
    path("two-step/set-up/", two_step.set_up, name="two-step-set-up"),
    path("two-step/", two_step.verify, name="two-step-verify"),
    path("two-step/new-code/", two_step.new_code, name="two-step-new-code"),
    path("two-step/text/", two_step.codes_by_text, name="two-step-text"),
    # Authenticator app and backup codes (views/two_step_app.py)
    path("two-step/app/", two_step_app.app_code, name="two-step-app"),
    path("two-step/app/set-up/", two_step_app.app_set_up, name="two-step-app-set-up"),
    path("two-step/backup-code/", two_step_app.backup_code, name="two-step-backup-code"),
    path("two-step/backup-codes/", two_step_app.backup_codes, name="two-step-backup-codes"),
    # Security keys and passkeys (views/security_keys.py; WebAuthn, needs JavaScript)
    path("two-step/security-keys/", security_keys.manage, name="security-keys"),
    path("two-step/security-keys/add/options/", security_keys.register_options, name="security-key-add-options"),
    path("two-step/security-keys/add/", security_keys.register, name="security-key-add"),
    path("two-step/security-key/options/", security_keys.authenticate_options, name="security-key-options"),
    path("two-step/security-key/", security_keys.authenticate, name="security-key"),
    # My account (views/account.py)
    path("account/", account.my_account, name="my-account"),
    path("account/password/", account.change_password, name="change-password"),
    path("account/email/", account.change_email, name="change-email"),
    path("account/email/confirm/<str:token>/", account.confirm_email, name="confirm-email"),
    path("account/email/undo/<str:token>/", account.undo_email_change, name="undo-email-change"),
    path("account/confirm-it-is-you/", account.reverify, name="reverify"),
    path("account/confirm-it-is-you/new-code/", account.reverify_new_code, name="reverify-new-code"),
    path("account/details/", account.change_details, name="change-details"),
    path("account/sign-out-everywhere/", account.sign_out_everywhere, name="sign-out-everywhere"),
]
