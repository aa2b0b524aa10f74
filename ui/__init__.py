"""Presentation helpers shared by the pages: state, cached loaders and the offline map."""
