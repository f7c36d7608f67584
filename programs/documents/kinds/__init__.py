"""Every kind of document, one module each; importing this package registers them all."""

from programs.documents.kinds import order_pairs  # noqa: F401
