"""Deadlines computed from events by named rules, with a court calendar (DESIGN.md §4, §6)."""
