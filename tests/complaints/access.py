"""Who may open each complaints URL (tests/security/test_url_sweep.py).

The sample's complaints are partner A's: raised from partner A's portal, and
a safeguarding concern about partner A raised by the public. Safeguarding
visibility: a concern answers 404 to staff who are not safeguarding leads
(here staff and admin), as if it did not exist; tests/complaints/
test_safeguarding.py sweeps every complaint URL with a concern to check it.
"""

from complaints.models import Complaint
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public
from tests.files import pdf
from tests.security.access import HUB_STAFF, ROLES, rule

PUBLIC = set(ROLES)
PARTNERS = {"partner_a", "partner_b"}
STAGE_ONE = {"manager", "admin"}
POST = ("POST",)
GET_POST = ("GET", "POST")
# A concern is 404 to staff who are not safeguarding leads, 403 to other roles.
NOT_A_LEAD = frozenset({403, 404})
# The public forms are rate limited through the cache, which other tests' posts
# (the form fuzzer's) may already have filled: 429 is a right answer too.
RATE_LIMITED = frozenset({200, 302, 429})


def _pk(name):
    return lambda s: {"pk": s[name].pk}


RULES = {
    # Staff.
    "complaints:list": rule(HUB_STAFF),
    "complaints:safeguarding": rule({"manager"}),
    "complaints:new": rule(HUB_STAFF, methods=GET_POST),
    "complaints:detail": rule(HUB_STAFF, args=_pk("complaint")),
    "complaints:acknowledge": rule(STAGE_ONE, args=_pk("complaint"), methods=POST),
    "complaints:investigate": rule(STAGE_ONE, args=_pk("complaint"), methods=POST),
    "complaints:resolve": rule(STAGE_ONE, args=_pk("complaint"), methods=POST),
    "complaints:details": rule(STAGE_ONE, args=_pk("complaint"), methods=POST),
    "complaints:note": rule(HUB_STAFF, args=_pk("complaint"), methods=POST),
    "complaints:suspend_partner": rule({"manager"}, args=_pk("concern"), methods=POST, refused=NOT_A_LEAD),
    "complaints:recommend": rule({"manager"}, args=_pk("concern"), methods=GET_POST, refused=NOT_A_LEAD),
    # A document: the complainant, staff and (once escalated) the Chair.
    "complaints:attachment": rule(
        {"partner_a", "chair", *HUB_STAFF},
        args=lambda s: {"pk": s["escalated"].pk, "attachment_pk": s["escalated_attachment"].pk},
        scoped=True,
    ),
    # The partner portal.
    "complaints:portal_list": rule(PARTNERS),
    "complaints:portal_new": rule(PARTNERS, methods=GET_POST),
    "complaints:portal_detail": rule({"partner_a"}, args=_pk("complaint"), scoped=True),
    "complaints:portal_accept": rule({"partner_a"}, args=_pk("resolved"), methods=POST, scoped=True),
    "complaints:portal_escalate": rule({"partner_a"}, args=_pk("resolved"), methods=GET_POST, scoped=True),
    "complaints:portal_message": rule({"partner_a"}, args=_pk("complaint"), methods=POST, scoped=True),
    # The public: the open form and the private link.
    "complaints:public_new": rule(PUBLIC, methods=GET_POST, ok_post=RATE_LIMITED),
    "complaints:public_done": rule(PUBLIC),
    "complaints:track_request": rule(PUBLIC, methods=GET_POST, ok_post=RATE_LIMITED),
    "complaints:track": rule(PUBLIC, args=lambda s: {"token": s["token"]}),
    "complaints:track_accept": rule(PUBLIC, args=lambda s: {"token": s["token"]}, methods=POST),
    "complaints:track_escalate": rule(PUBLIC, args=lambda s: {"token": s["token"]}, methods=GET_POST),
    "complaints:track_message": rule(PUBLIC, args=lambda s: {"token": s["token"]}, methods=POST),
    "complaints:track_attachment": rule(
        PUBLIC, args=lambda s: {"token": s["token"], "attachment_pk": s["tracked_attachment"].pk}
    ),
    # The Chair.
    "complaints:chair_list": rule({"chair"}),
    "complaints:chair_case": rule({"chair"}, args=_pk("escalated")),
    "complaints:chair_review": rule({"chair"}, args=_pk("escalated"), methods=POST),
    "complaints:chair_decide": rule({"chair"}, args=_pk("escalated"), methods=POST),
    "complaints:chair_note": rule({"chair"}, args=_pk("escalated"), methods=POST),
}


def sample(cast, sample):
    user, manager = cast["partner_a"], cast["manager"]
    partner_a = user.partner
    complaint = raise_from_portal(user)
    resolved = advance(raise_from_portal(user), Complaint.Status.RESOLVED, manager=manager)
    escalated = advance(
        raise_from_portal(user, attachments=[pdf("timetable.pdf")]),
        Complaint.Status.ESCALATED,
        manager=manager,
        complainant=user,
    )
    tracked, token = raise_from_public(attachments=[pdf("letter.pdf")])
    tracked = advance(tracked, Complaint.Status.RESOLVED, manager=manager)
    concern, _ = raise_from_public(partner=partner_a, category=Complaint.Category.SAFEGUARDING)
    return {
        "complaint": complaint,
        "resolved": resolved,
        "escalated": escalated,
        "escalated_attachment": escalated.attachments.get(),
        "tracked": tracked,
        "token": token,
        "tracked_attachment": tracked.attachments.get(),
        "concern": concern,
    }
