FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && useradd --create-home mars && mkdir -p var && chown mars var
USER mars
RUN DJANGO_DEBUG=0 SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/none python manage.py collectstatic --noinput
CMD ["gunicorn", "mars.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
