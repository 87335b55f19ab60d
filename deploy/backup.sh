#!/bin/sh
# Back up kmodquiz: one consistent dump of its PostgreSQL database (the database holds all of
# kmodquiz's state: banks, learners, reviews, imports, LTI registrations and, unless kept in
# files, the LTI keys). Safe while the site runs: pg_dump reads one snapshot.
#
#   DATABASE_URL=postgres://kmodquiz:secret@db:5432/kmodquiz deploy/backup.sh /backups/kmodquiz-$(date +%F).dump
#
# The dump is PostgreSQL's custom format (compressed; pg_restore can pick from it). It is
# written beside FILE first and renamed when complete, so FILE is never a partial dump.
set -eu
file=${1:?usage: DATABASE_URL=postgres://... $0 FILE}
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
pg_dump --format=custom --no-owner --no-privileges --file "$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
echo "backed up to $file ($(wc -c <"$file") bytes)"
