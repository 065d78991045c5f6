from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    apps.get_model("core", "AuditChainHead").objects.get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
