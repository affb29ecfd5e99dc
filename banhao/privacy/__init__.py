"""Personal data protection: encryption at rest, blind indexes and masking (ADR 0006)."""
