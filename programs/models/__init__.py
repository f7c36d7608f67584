"""Models of the programs app, one module per topic; everything is importable from here."""

from programs.models.documents import *  # noqa: F403
from programs.models.documents import __all__ as _documents
from programs.models.mentoring import *  # noqa: F403
from programs.models.mentoring import __all__ as _mentoring
from programs.models.plans import *  # noqa: F403
from programs.models.plans import __all__ as _plans

__all__ = [*_mentoring, *_plans, *_documents]
