FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango and fonts for WeasyPrint (the monthly report's PDF).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY . .
# The app runs as mars: var/ (beat's schedule, static files) and /srv/media (the media volume, which
# takes this folder's owner when it is first made) must be its to write.
RUN pip install --no-cache-dir . && useradd --create-home mars && mkdir -p var /srv/media \
    && chown mars var /srv/media
USER mars
RUN DJANGO_DEBUG=0 SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/none python manage.py collectstatic --noinput
# A subject access export of a busy person lays out a long PDF in the request: give it two minutes.
CMD ["gunicorn", "mars.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
