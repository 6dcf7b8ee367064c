#!/bin/sh
# Logical backups of the stack's PostgreSQL database, in pg_dump's custom format, one file each
# in /backups, named after the database and the time (UTC): kit-20261207T050000Z.dump.
#   prodstack-backup every <seconds> <kept>   one now, then one every <seconds>; the newest <kept> stay
#   prodstack-backup once                      one now
#   prodstack-backup list                      the backups, newest first, with their sizes
#   prodstack-backup restore [file]            into an empty database: the newest unless named
# The database is reached as DATABASE_HOST, DATABASE_PORT, DATABASE_USER and DATABASE_NAME, with
# the password in the file DATABASE_PASSWORD_FILE (a Swarm secret).
set -eu
dir=/backups
export PGHOST="${DATABASE_HOST:?}" PGPORT="${DATABASE_PORT:-5432}"
export PGUSER="${DATABASE_USER:?}" PGDATABASE="${DATABASE_NAME:?}"
PGPASSWORD="$(cat "${DATABASE_PASSWORD_FILE:?}")"
export PGPASSWORD

tables() {
  psql --no-psqlrc --tuples-only --no-align \
    --command "select count(*) from pg_tables where schemaname = 'public'"
}

# Written under a hidden name, then renamed: a file that is listed is a whole dump. A database
# without tables (a new volume after a lost disk) is not dumped: its empty dumps would become the
# newest, and push the last good ones out.
take() {
  if [ "$(tables)" = "0" ]; then
    echo "prodstack-backup: $PGDATABASE has no tables: no backup taken (a new database? restore one: docs/operations.md)" >&2
    return 1
  fi
  name="$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
  pg_dump --format=custom --file="$dir/.$name.partial"
  mv "$dir/.$name.partial" "$dir/$name"
  echo "prodstack-backup: $dir/$name, $(wc -c < "$dir/$name") bytes"
}

newest_first() {
  ls -1 "$dir" | grep '\.dump$' | sort -r
}

keep() {
  newest_first | tail -n "+$(($1 + 1))" | while read -r old; do
    rm -f "$dir/$old"
    echo "prodstack-backup: removed $old, past the newest $1"
  done
}

case "${1:-}" in
  every)
    seconds="${2:?every <seconds> <kept>}"
    kept="${3:?every <seconds> <kept>}"
    trap 'exit 0' TERM INT
    until pg_isready --quiet; do sleep 2; done
    while :; do
      # A failed or skipped dump is said, and tried again next time; the earlier ones stay.
      take || echo "prodstack-backup: no backup this time; the next in $seconds s" >&2
      keep "$kept"
      sleep "$seconds" &
      wait $!
    done
    ;;
  once)
    take
    ;;
  list)
    newest_first | while read -r file; do echo "$file $(wc -c < "$dir/$file")"; done
    ;;
  restore)
    file="${2:-$(newest_first | head -n 1)}"
    if [ -z "$file" ] || [ ! -f "$dir/$(basename "$file")" ]; then
      echo "prodstack-backup: no backup ${file:-at all} in $dir" >&2
      exit 1
    fi
    found="$(tables)"
    if [ "$found" != "0" ]; then
      echo "prodstack-backup: $PGDATABASE has $found tables: a restore goes into an empty database (docs/operations.md, Backups, and restoring one)" >&2
      exit 1
    fi
    # One transaction: a restore that fails leaves the database empty, never half restored.
    pg_restore --exit-on-error --single-transaction --no-owner --dbname="$PGDATABASE" \
      "$dir/$(basename "$file")"
    echo "prodstack-backup: restored $(basename "$file") into $PGDATABASE"
    ;;
  *)
    echo "usage: prodstack-backup every <seconds> <kept> | once | list | restore [file]" >&2
    exit 2
    ;;
esac
