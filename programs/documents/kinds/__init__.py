"""Every kind of document, one module each; importing this package registers them all."""

from programs.documents.kinds import (  # noqa: F401
    analytical_note,
    consent_forms,
    order_curator,
    order_mentor_school,
    order_pairs,
    order_registry,
    order_regulation,
    order_reward,
    order_target_model,
    program,
    regulation,
    roadmap,
)
