"""Egregora: a WhatsApp group export in, a private blog and feed out, as a Dagster asset graph."""
