"""Families' drafts and submissions of a council's forms (tenant schema)."""
