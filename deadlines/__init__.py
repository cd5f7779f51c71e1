"""The deadline engine: deadlines computed from events by rules that apps register, counted on a
court calendar, reminded exactly once, escalated when missed (docs/architecture.md)."""
