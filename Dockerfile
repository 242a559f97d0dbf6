# Lyftkollen: the app with gunicorn. Not exercised in this project's CI (no Docker engine
# there); see docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LYFTKOLLEN_ENV=production \
    AUTO_MIGRATE=0

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --system --home /app lyftkollen \
    && mkdir -p /app/instance && chown lyftkollen /app/instance
USER lyftkollen

EXPOSE 8000
# /healthz answers whatever Host it is asked for, so PUBLIC_BASE_URL need not be known here.
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["gunicorn", "app:create_app()"]
