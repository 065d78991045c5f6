from django.urls import path

from jiebang.api import pages

urlpatterns = [
    path("org/api-tokens/", pages.tokens, name="api_tokens"),
    path("org/api-tokens/<int:pk>/revoke/", pages.token_revoke, name="api_token_revoke"),
]
