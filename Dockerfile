# Nastavnik: one image for the web server (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it; see docs/deployment.md.
FROM python:3.11-slim-bookworm

# The code lives in /app and is imported from there (BASE_DIR = /app: templates, static, locale).
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# WeasyPrint's libraries (PDF orders and reports). Fonts are shipped in static/fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

# Non-root user; its home holds fontconfig's cache. The data directories are created here so that
# the named volumes mounted on them (media, beat schedule) start out owned by this user.
RUN groupadd --system nastavnik \
    && useradd --system --gid nastavnik --create-home --home-dir /home/nastavnik \
        --shell /usr/sbin/nologin nastavnik \
    && mkdir -p /var/lib/nastavnik/media /var/lib/nastavnik/beat \
    && chown -R nastavnik:nastavnik /var/lib/nastavnik

WORKDIR /app

# Dependencies first, pinned by constraints.txt, in a layer that changes only with these two files.
# With only pyproject.toml present this installs the dependencies and the project's metadata; the
# packages themselves are used from /app (PYTHONPATH), so no second copy shadows BASE_DIR.
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt . && rm -rf build *.egg-info

COPY . .

# Static files are collected at build time into /app/staticfiles (DJANGO_STATIC_ROOT's default).
# DJANGO_DEBUG=0 selects the manifest storage that production serves (whitenoise); the secret key
# is a throwaway used only by this command and is not kept in the image.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-throwaway-value-not-used-at-run-time \
    python manage.py collectstatic --noinput

USER nastavnik

EXPOSE 8000

# GUNICORN_WORKERS: worker processes (default 3). Extra options: GUNICORN_CMD_ARGS (gunicorn reads it).
CMD ["sh", "-c", "exec gunicorn mentoring.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --worker-tmp-dir /dev/shm --access-logfile - --error-logfile -"]
