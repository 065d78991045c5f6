"""Attachments are only served through a permission check, as downloads with nosniff."""

import pytest

from jiebang.core.models import AuditEntry
from jiebang.core.services import store_attachment
from jiebang.orgs.enums import Role
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import MINIMAL_PDF, pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def stored():
    org = OrganizationFactory()
    owner = UserFactory(organization=org, roles=[Role.APPLICANT])
    doc = store_attachment(
        uploaded_file=pdf_upload(), kind="business_license", user=owner, organization=org
    )
    return org, owner, doc


def test_member_downloads_own_units_file_and_the_read_is_audited(client, stored):
    org, owner, doc = stored
    client.force_login(owner)
    response = client.get(f"/files/{doc.uuid}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(
        action="attachment.downloaded", target_id=str(doc.pk), actor=owner
    ).exists()


def test_other_unit_and_anonymous_are_refused(client, stored):
    _, _, doc = stored
    assert client.get(f"/files/{doc.uuid}/").status_code == 302  # to login
    client.force_login(UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]))
    assert client.get(f"/files/{doc.uuid}/").status_code == 403


def test_bureau_may_download(client, stored):
    _, _, doc = stored
    client.force_login(UserFactory(roles=[Role.BUREAU_OFFICER]))
    assert client.get(f"/files/{doc.uuid}/").status_code == 200
