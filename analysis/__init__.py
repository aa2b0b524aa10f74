"""Pure analysis of buurt statistics: catalogue, datasets, reference values and signals.

Nothing here imports Streamlit; pages call these functions and show their results.
"""
