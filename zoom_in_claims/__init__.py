"""pytest fixtures and the plugin that turns tests into claims (see zoom_in_claims/plugin.py).

    from zoom_in_claims import claim
"""
from zoom_in_claims.claims import claim  # noqa: F401
