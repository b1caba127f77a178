"""The professionals' screens (/professionals/): an organisation's tray of advice
requests, one request with what is needed to do the work, sending or declining advice,
and the organisation's own people. Business rules are in casework.services.advice and
.organisations, and casework.selectors.professionals."""
