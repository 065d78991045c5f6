"""S3 in tests: moto's in-process bucket standing in for the private storage (the `s3`
fixture is in tests/core/conftest.py)."""

from jiebang.core.storage import S3_BACKEND

BUCKET = "jiebang-private-test"
PREFIX = "private"
REGION = "us-east-1"
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def s3_storage_settings(**options) -> dict:
    """STORAGES["private"] as jiebang/settings.py writes it for PRIVATE_STORAGE=s3."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": BUCKET,
            "location": PREFIX,
            "region_name": REGION,
            "access_key": "testing",
            "secret_key": "testing",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
            **options,
        },
    }


def keys(client) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return sorted(entry["Key"] for entry in listing.get("Contents", []))


def object_bytes(client, key: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def public_grants(client, key: str) -> list[dict]:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GROUPS]
