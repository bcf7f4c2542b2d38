# syntax=docker/dockerfile:1
# Ops Portal production image: gunicorn serving ops_portal.wsgi, static files by WhiteNoise.
# The same image runs the Celery worker and beat (see docker-compose.yml).

# --- Front-end assets: npm packages pinned by package-lock.json, copied into static/vendor/.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/ scripts/
RUN npm run --silent build

# --- Application ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=ops_portal.settings.production

# gettext: compilemessages at build time. No compiler needed: every requirement has a wheel
# (psycopg2-binary brings its own libpq). Debian's versions follow the pinned base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /src/static/vendor/ static/vendor/

# Translations and static files are built into the image. Production settings need a secret
# and hosts to import: give them throw-away values for this step only (not kept in ENV).
RUN export DJANGO_SECRET_KEY=build-time-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
    && if [ -n "$(find locale apps -name '*.po' -print -quit 2>/dev/null)" ]; then \
         python manage.py compilemessages -i node_modules -i var -i static/vendor --verbosity 0; \
       fi \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p var/media \
    && chown -R app:app var

# Numeric, so orchestrators can tell it is not root.
USER 10001:10001
EXPOSE 8000

# Workers: WEB_CONCURRENCY (gunicorn reads it; default 1). More options: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "ops_portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--forwarded-allow-ips", "*"]
