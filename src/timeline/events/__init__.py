"""The events layer: event triggers, their status, arguments and dedup."""
