"""Bench-only WSGI entry point: the real Jiebang application plus a hello-world view.

`gunicorn -c deploy/gunicorn.conf.py bench.hello:application` (from the project root) serves
every URL of `jiebang.urls`, `/hello/`, a minimal Django view that returns "hello", and the
same view as `/hello-last/`, routed after every project URL.
Same settings (`jiebang.settings`, from the environment), same middleware, same gunicorn
configuration: the only difference is ROOT_URLCONF, which points at this module. The hello
view is the baseline of bench/hall.py (how many requests per second the stack itself can
serve); it is not part of the project's URLconf and never deployed.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiebang.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()  # django.setup(): apps are ready from here on
settings.ROOT_URLCONF = __name__  # before any request, so the resolver never saw the old one

from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


def hello(request):
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


# /hello/ first: the cheapest possible route. /hello-last/ after every project URL: the
# same view, reached after trying all of jiebang.urls as `/` (the hall, last) is.
urlpatterns = [
    path("hello/", hello),
    path("", include("jiebang.urls")),
    path("hello-last/", hello),
]

# As jiebang/wsgi.py: load jieba's dictionary at worker start, not on the first search.
from jiebang.portal.search import tokenize  # noqa: E402

tokenize("预热")
