"""API clients of a council and what they did (tenant schema)."""
