"""Security: the audit trail, middleware, log redaction, two-factor and rate limits. Imports only core."""
