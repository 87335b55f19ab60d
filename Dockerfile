# The kmodquiz image: one image for the app nodes, the migration job and the task worker
# (docker-compose.yml gives each its command). Static files are collected at build time and
# served by whitenoise from every node.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=kmodquiz.settings

WORKDIR /app
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin kmodquiz

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY kmodquiz/__init__.py kmodquiz/__init__.py
COPY quizzes/__init__.py quizzes/__init__.py
RUN pip install .

COPY manage.py ./
COPY kmodquiz kmodquiz
COPY quizzes quizzes
COPY fixtures fixtures
COPY deploy deploy
# Reinstall without dependencies: the package now has its code, templates and schemas.
RUN pip install --no-deps . \
 && DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0

USER kmodquiz
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=4)"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "kmodquiz.wsgi:application"]
