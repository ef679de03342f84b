"""The peer: a minimal Django 5.2 site (no session, no middleware), one primary-key query on
Ingot's own proposals table and a template; its JSON twin. Served by gunicorn.

PEER_DATABASE_URL is sqlite:///PATH or postgres://USER@HOST:PORT/DB (the database Ingot uses).
"""
import os
from urllib.parse import urlparse

from django.conf import settings

url = urlparse(os.environ["PEER_DATABASE_URL"])
if url.scheme.startswith("postgres"):
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/"),
        "USER": url.username or "",
        "HOST": url.hostname or "",
        "PORT": str(url.port or 5432),
        "CONN_MAX_AGE": None,
    }
else:
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": url.path}
settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": database},
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [os.path.dirname(os.path.abspath(__file__))],
        }
    ],
)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import Http404, JsonResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402

COLUMNS = ("id", "number", "title", "status", "problem", "proposed_change")


def proposal(pk):
    with connection.cursor() as c:
        c.execute(
            "SELECT id, number, title, status, problem, proposed_change FROM proposals WHERE id = %s",
            [pk],
        )
        row = c.fetchone()
    if row is None:
        raise Http404
    return dict(zip(COLUMNS, row))


def page(request, pk):
    return render(request, "peer_page.html", {"p": proposal(pk)})


def json_twin(request, pk):
    return JsonResponse(proposal(pk))


urlpatterns = [
    path("proposals/<int:pk>", page),
    path("api/proposals/<int:pk>", json_twin),
]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
