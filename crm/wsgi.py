import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()

# What is loaded by now (modules, settings, URL patterns) lives as long as the process: freeze it out of
# the garbage collector, whose full scans otherwise walk through it in the middle of requests
# (measured by bench/: a third of a Kanban board's server time).
gc.freeze()
