from django.conf import settings


def site(request):
    return {
        "SITE_TITLE": settings.SITE_TITLE,
        "SITE_BUREAU_NAME": settings.SITE_BUREAU_NAME,
        "SITE_ICP_LINE": settings.SITE_ICP_LINE,
        "SITE_HELPDESK": settings.SITE_HELPDESK,
    }
