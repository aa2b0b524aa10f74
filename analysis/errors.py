"""The one error type of the analysis layer, carrying a Dutch message for the user.

Pages catch only this (and the store's own error), show the message and stop.
"""


class AnalysisError(ValueError):
    """Raised with a Dutch message that says what is wrong and how to fix it."""
