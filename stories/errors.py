"""The store's own error type, with a Dutch message for the user (pages catch it and show it)."""


class StoreError(ValueError):
    """Raised with a Dutch message that says what is wrong and how to fix it."""
