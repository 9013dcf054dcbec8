from django.contrib.contenttypes.models import ContentType

from hubportal.core import roles
from hubportal.core.history import history_for
from hubportal.records_import.models import ImportedRecord


def can_import(user) -> tuple[bool, str]:
    """Only the Service Manager and admins bring in records: an import can
    change hundreds of partners at once."""
    if (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or roles.is_service_manager(user) or roles.is_admin(user))
    ):
        return True, ""
    return False, "Only the Service Manager or an admin can import records."


# States in which an agreement has been signed by someone, so a signed copy can exist.
LEGACY_SIGNED_STATES = {
    "partner_signed",
    "signed",
    "live",
    "under_review",
    "renewed",
    "expired",
    "not_renewed",
    "terminated",
}


def is_imported_agreement(agreement) -> bool:
    """The agreement came in from an import file (it has the Hub's reference)."""
    return ImportedRecord.objects.filter(
        kind="agreements", content_type=ContentType.objects.get_for_model(agreement), object_id=agreement.pk
    ).exists()


def can_attach_legacy_pdf(user, agreement) -> tuple[bool, str]:
    """Hub staff attach (or replace) the signed PDF of an agreement signed
    before the portal: only an imported partnership agreement in a signed
    state, and only while it has no signature records, since once anyone
    signs in the portal the signatures are the record.

    The partner's standing is not asked: the copy records a signature that
    happened before the import and changes nothing the partner may do.
    Everything after the import (signing, countersigning, rolling forward)
    still asks the standing in its own service."""
    if not roles.is_hub_staff(user):
        return False, "Only Hub staff can attach an agreement's legacy signed copy."
    if agreement.kind != "partnership" or not is_imported_agreement(agreement):
        return False, "Only a partnership agreement brought in by an import takes a legacy signed PDF."
    if agreement.signatures.exists():
        return False, (
            "This agreement has been signed in the portal, so its signatures are the record: "
            "a legacy signed PDF can no longer be attached or replaced."
        )
    if agreement.status not in LEGACY_SIGNED_STATES:
        return False, (
            f"This agreement was imported as {agreement.get_status_display().lower()}: nobody has signed it, "
            "so there is no signed copy to attach."
        )
    return True, ""


# History actions that leave an imported evidence item as the import left it
# (as does lapsing on its expiry date, allowed below).
AS_IMPORTED = {"imported", "import_updated", "legacy_file_attached", "legacy_file_replaced"}


def can_attach_legacy_evidence(user, item) -> tuple[bool, str]:
    """Hub staff attach (or replace) the file of an evidence item imported as
    verified, while nothing has happened to it in the portal since: once the
    partner renews it or staff check it, the portal's own record is the
    evidence. The partner's standing is not asked (the file records a check
    made before the import; it changes neither status nor dates)."""
    if not roles.is_hub_staff(user):
        return False, "Only Hub staff can attach the file of imported evidence."
    if not ImportedRecord.objects.filter(
        kind="evidence", content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).exists():
        return False, "Only evidence brought in by an import takes a file this way: the partner uploads the rest."
    since = history_for(item).exclude(action__in=AS_IMPORTED).exclude(action="transition", to_state="expired")
    if item.status not in ("verified", "expired") or since.exists():
        return False, (
            "This evidence has been renewed or checked in the portal since it was imported, so its file "
            "comes from the partner now."
        )
    return True, ""
