#!/bin/sh
# Restore a backup made by deploy/backup.sh into an EMPTY database, in one transaction: either
# all of it is restored or nothing is. Then run `python manage.py migrate` (a backup taken by an
# older version is brought up to this one) and start the app nodes on that database.
#
#   createdb -h db -U postgres -O kmodquiz kmodquiz_restored
#   DATABASE_URL=postgres://kmodquiz:secret@db:5432/kmodquiz_restored deploy/restore.sh FILE
set -eu
file=${1:?usage: DATABASE_URL=postgres://... $0 FILE}
: "${DATABASE_URL:?DATABASE_URL must name the empty database to restore into}"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$file"
echo "restored $file"
