from rest_framework.routers import DefaultRouter

# Every viewset of API v1 registers here (jiebang/api/views*.py).
router = DefaultRouter()
