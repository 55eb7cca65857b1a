#!/bin/sh
# Web containers apply migrations before serving; worker and beat just start.
set -e
if [ "$1" = "gunicorn" ]; then
    python manage.py migrate --noinput
fi
exec "$@"
