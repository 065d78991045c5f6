"""Helpers shared by the orgs tests."""

from django.test import RequestFactory


def login_request(address: str = "127.0.0.1"):
    """A request for `authenticate()`: django-axes (first backend) refuses to check a
    password without one, since it counts failures per request."""
    return RequestFactory().post("/login/", REMOTE_ADDR=address)
