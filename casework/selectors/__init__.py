"""Reads of the council's records, and the access checks every read goes through.

Every read of a child's or case's data goes through a `..._for_staff` or `..._for_family`
selector, which answers "not found" (Http404) the same way whether the record does not
exist or is not the caller's to see (STYLE.md)."""
