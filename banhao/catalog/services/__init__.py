"""Writes of the service catalogue — the context's public write API.

Every function takes keyword-only arguments and an ``actor`` (``None`` only for system
commands), runs in one transaction and writes an audit entry.
"""

from banhao.catalog.services.importing import (
    ImportReport,
    catalog_export_xlsx,
    catalog_import_csv,
    catalog_import_xlsx,
)
from banhao.catalog.services.items import (
    department_get_or_create,
    item_code_check,
    item_create,
    item_update,
    parent_item_get_or_create,
    theme_get_or_create,
)
from banhao.catalog.services.versions import (
    item_version_create_draft,
    item_version_discard_draft,
    item_version_publish,
    item_version_retire,
    item_version_set_content,
    item_version_update_draft,
    version_content_fields,
)

__all__ = [
    "ImportReport",
    "catalog_export_xlsx",
    "catalog_import_csv",
    "catalog_import_xlsx",
    "department_get_or_create",
    "item_code_check",
    "item_create",
    "item_update",
    "item_version_create_draft",
    "item_version_discard_draft",
    "item_version_publish",
    "item_version_retire",
    "item_version_set_content",
    "item_version_update_draft",
    "parent_item_get_or_create",
    "theme_get_or_create",
    "version_content_fields",
]
