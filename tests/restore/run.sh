#!/usr/bin/env bash
# `make restore-check`: the backup and restore procedure of docs/operations.md, run for real.
#
# 1. Source: the database of DATABASE_URL when it is PostgreSQL, with DJANGO_MEDIA_ROOT (or
#    ./media). Otherwise (SQLite, the development default) a temporary PostgreSQL database
#    <RESTORE_CHECK_DB>_source, migrated and seeded with a small demo, and a temporary media folder
#    with files uploaded through the journal.
# 2. Backup, with the commands of docs/operations.md: pg_dump in custom format, a tar.gz of the
#    media folder and a SHA-256 list of its files.
# 3. Restore into a fresh database RESTORE_CHECK_DB (default nastavnik_restore_check; dropped first
#    if left over) with pg_restore, the archive into a fresh folder.
# 4. Checks on the copy: the checksums, manage.py check, migrate --check, row counts of every table
#    equal to the source, the referenced files present, sequences ahead of the ids, pages of each
#    role answering 200.
# 5. The restored database (and the temporary source) are dropped, whatever happened.
# Exits non-zero on any mismatch. RESTORE_PG_URL (default postgres://postgres@127.0.0.1:5432) is the
# server for the databases it creates.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"  # no NOTICE about a database that is not there
cd "$(dirname "$0")/../.."
py=.venv/bin/python
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

pg_server=${RESTORE_PG_URL:-postgres://postgres@127.0.0.1:5432}
target_db=${RESTORE_CHECK_DB:-nastavnik_restore_check}
target_url=$pg_server/$target_db
work=$(mktemp -d)
temp_source=""
cleanup() {
  psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS \"$target_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$temp_source" ]; then
    psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS \"$temp_source\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ "$target_db" = "${DATABASE_URL:-}" ] || [ "$target_db" = "$(basename "${DATABASE_URL:-x}")" ]; then
  echo "restore-check: RESTORE_CHECK_DB must not be the database of DATABASE_URL" >&2; exit 2
fi

step "source"
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*)
    source_url=$DATABASE_URL
    media_root=$($py -c 'import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings"); django.setup(); from django.conf import settings; print(settings.MEDIA_ROOT)')
    mkdir -p "$media_root"
    echo "database of DATABASE_URL (${source_url##*/}), media folder $media_root"
    ;;
  *)
    temp_source=${target_db}_source
    source_url=$pg_server/$temp_source
    media_root=$work/media-source
    mkdir -p "$media_root"
    echo "DATABASE_URL is not PostgreSQL: a temporary source $temp_source with a small demo"
    psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS \"$temp_source\" WITH (FORCE)"
    psql "$pg_server/postgres" -qc "CREATE DATABASE \"$temp_source\""
    DATABASE_URL=$source_url $py manage.py migrate --noinput -v 0
    DATABASE_URL=$source_url $py manage.py seed_demo --schools 4 --municipalities 1 --force
    DATABASE_URL=$source_url DJANGO_MEDIA_ROOT=$media_root CELERY_BROKER_URL= $py -m tests.restore.smoke add-files
    ;;
esac
facts() { DATABASE_URL=$source_url DJANGO_MEDIA_ROOT=$media_root $py -m tests.restore.smoke facts "$1"; }
facts "$work/before.json"

step "backup (pg_dump, tar of the media folder, checksums)"
backup=$work/backup
mkdir -p "$backup"
pg_dump --format=custom --file="$backup/nastavnik.dump" "$source_url"
(cd "$media_root" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$backup/media.sha256"
tar --create --gzip --file="$backup/media.tar.gz" --directory="$media_root" .
facts "$work/after.json"
ls -l "$backup" | tail -n +2

step "restore into a fresh database $target_db"
psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS \"$target_db\" WITH (FORCE)"
psql "$pg_server/postgres" -qc "CREATE DATABASE \"$target_db\""
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target_url" "$backup/nastavnik.dump"
restored_media=$work/media-restored
mkdir -p "$restored_media"
tar --extract --gzip --file="$backup/media.tar.gz" --directory="$restored_media"

step "checks"
(cd "$restored_media" && sha256sum --check --quiet --strict "$backup/media.sha256")
echo "media: $(wc -l < "$backup/media.sha256") files, checksums equal"
export DATABASE_URL=$target_url DJANGO_MEDIA_ROOT=$restored_media
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND
$py manage.py check
$py manage.py migrate --check --noinput -v 0 && echo "migrations: all applied"
$py -m tests.restore.smoke verify "$work/before.json" "$work/after.json"

step "restore check passed"
