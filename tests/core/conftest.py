"""Fixtures of the core tests."""

import boto3
import pytest
from moto import mock_aws

from tests.core.s3_support import BUCKET, REGION, s3_storage_settings


@pytest.fixture
def s3(settings, monkeypatch):
    """Private files in a fresh moto bucket; yields a boto3 client to look inside it."""
    # moto answers every request in-process; these keep a stray real profile out of it.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        settings.PRIVATE_STORAGE = "s3"
        # Replacing STORAGES resets Django's storages handler, so the FileFields' stand-in
        # (core.storage.PrivateStorage) reaches the S3 backend from now on.
        settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings()}
        yield client
