"""``python -m zoom_in_claims.register [claims] [--amend CLAIM --reason TEXT]``: see zoom_in_claims/registry.py."""
import sys

from zoom_in_claims.registry import main

if __name__ == "__main__":
    sys.exit(main())
