import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiebang.settings")
application = get_wsgi_application()

# Load jieba's dictionary at worker start, not on the first search request (~1 s).
from jiebang.portal.search import tokenize  # noqa: E402

tokenize("预热")
