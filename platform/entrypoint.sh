#!/bin/sh
# Web containers apply migrations and load the content (question bank, rubric versions) before
# serving; worker and beat just start.
set -e
if [ "$1" = "gunicorn" ]; then
    python manage.py migrate --noinput
    python manage.py load_content
fi
exec "$@"
