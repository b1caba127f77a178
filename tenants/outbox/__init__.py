"""The council's email outbox: every email is a row in the council's schema, written in
the transaction that caused it, then delivered by a task in that schema through the
council's provider (backends.py: Amazon SES, GOV.UK Notify). A broker or provider
outage delays an email, never loses it (docs/architecture.md, "The outbox").

A tenant app of its own (label "outbox") inside tenants/, so every layer may queue an
email without importing the SEND domain."""
