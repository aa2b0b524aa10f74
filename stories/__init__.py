"""Resident stories and citizen initiatives: the model, and (for now) the demo records."""
