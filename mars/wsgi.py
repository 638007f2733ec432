import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
application = get_wsgi_application()

# Like runserver, refuse to serve with settings that fail a system check (mail to the log...).
from mars.checks import refuse_to_start_on_errors  # noqa: E402

refuse_to_start_on_errors()
