"""Council settings → API clients (council admins only): the council's API clients, a new
one (its secret shown once, on the page that answers the form, and never again), one
client's recent calls, and revoking one. Views parse and render; api.services creates,
revokes and audits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api.forms import ApiClientForm
from api.selectors import api_client_for_admin, api_client_recent_calls, api_clients
from api.services import api_client_create, api_client_revoke
from casework.decorators import staff_required
from casework.permissions import COUNCIL_SETTINGS
from themes.forms import add_errors

TEMPLATES = "api/staff"
admin_only = staff_required(roles=COUNCIL_SETTINGS)


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Council settings", reverse("staff:settings")), *pairs]


def _list_crumb() -> tuple[str, str]:
    return ("API clients", reverse("api-clients:list"))


@never_cache
@require_GET
@admin_only
def client_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/list.html",
        {"page_title": "API clients", "clients": list(api_clients()), "breadcrumbs": _crumbs()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def client_add(request: HttpRequest) -> HttpResponse:
    form = ApiClientForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            client, credential = api_client_create(
                council=request.tenant,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                by=request.staff_membership,
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            # Shown in the answer to the POST, never stored or redirected with: reloading
            # this page cannot show it again (never_cache keeps it out of the browser's cache).
            return render(
                request,
                f"{TEMPLATES}/created.html",
                {
                    "page_title": "Copy the API client's credential now",
                    "client": client,
                    "token": credential.token,
                    "base_url": request.build_absolute_uri("/api/v1/"),
                    "schema_url": request.build_absolute_uri("/api/schema/"),
                },
            )
    return render(
        request,
        f"{TEMPLATES}/add.html",
        {"page_title": "Add an API client", "form": form, "breadcrumbs": _crumbs(_list_crumb())},
    )


@never_cache
@require_GET
@admin_only
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = api_client_for_admin(client_id=client_id)
    return render(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "page_title": client.name,
            "client": client,
            "calls": api_client_recent_calls(client=client),
            "breadcrumbs": _crumbs(_list_crumb()),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    client = api_client_for_admin(client_id=client_id)
    if client.revoked_at is not None:
        messages.info(request, f"{client.name} was already revoked")
        return redirect("api-clients:detail", client_id=client.pk)
    if request.method == "POST":
        api_client_revoke(client=client, by=request.staff_membership, request=request)
        messages.success(request, f"{client.name} has been revoked. Its next call to the API will be refused.")
        return redirect("api-clients:list")
    return render(
        request,
        f"{TEMPLATES}/revoke.html",
        {
            "page_title": f"Revoke {client.name}",
            "client": client,
            "breadcrumbs": _crumbs(_list_crumb(), (client.name, reverse("api-clients:detail", args=[client.pk]))),
        },
    )
