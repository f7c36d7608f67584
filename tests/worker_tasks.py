"""Tasks that exist only for the real-worker tests (loaded by the worker with --include)."""

from mentoring.celery import app
from schools.models import Staff
from schools.tenancy import SchoolScopedTask


@app.task(base=SchoolScopedTask, name="tests.staff_names")
def staff_names() -> list[str]:
    """Names of the staff the job's scope allows it to see."""
    return sorted(Staff.objects.values_list("last_name", flat=True))
