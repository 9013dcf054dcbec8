"""Who may do what in monitoring. Each ``may_*`` answers ``(allowed, reason)``
for the views, the templates (to show a button or say why not) and the
services (to refuse, with ``enforce``) alike."""

from hubportal.core.actions import ALLOWED, Verdict, not_yours, refused
from hubportal.core.roles import is_hub_staff, is_partner_user
from surveys.models import CaseStudy, ProjectEvaluation, QuestionSet, SurveyRequest


def _staff(user, doing: str) -> Verdict:
    if not is_hub_staff(user):
        return not_yours(f"Only Hub staff can {doing}.")
    return ALLOWED


def _own(user, partner_id: int, doing: str) -> Verdict:
    if not (is_partner_user(user) and user.partner_id == partner_id):
        return not_yours(f"Only the partner's own users can {doing}.")
    return ALLOWED


def may_manage_question_sets(user) -> Verdict:
    """Hub staff build and edit question sets."""
    return _staff(user, "build question sets")


def may_edit_question_set(user, question_set: QuestionSet) -> Verdict:
    """Only the newest version of a set is edited (an older one is the record of what a round asked)."""
    verdict = may_manage_question_sets(user)
    if verdict[0] and question_set.retired_at is not None:
        return refused("This is an older version of the question set, kept as the record: edit the newest one.")
    return verdict


def may_open_round(user) -> Verdict:
    """Hub staff open a term's survey round."""
    return _staff(user, "open a survey round")


def may_fill(user, request: SurveyRequest) -> Verdict:
    """The partner's own users answer a request while it is open (not started, in progress, returned)."""
    verdict = _own(user, request.partner_id, "answer its survey")
    if verdict[0] and request.status not in SurveyRequest.OPEN:
        return refused("This survey has been submitted, so it can no longer be changed.")
    return verdict


def may_submit(user, request: SurveyRequest) -> Verdict:
    return may_fill(user, request)


def may_review(user, request: SurveyRequest, doing: str = "accepted or returned") -> Verdict:
    """Staff accept or return a submitted request (``doing`` names which, for the reason)."""
    verdict = _staff(user, "accept or return a survey")
    if verdict[0] and request.status != SurveyRequest.Status.SUBMITTED:
        return refused(
            f"This survey is {request.get_status_display().lower()}, so it cannot be {doing}. "
            f"Only a submitted survey can be {doing}."
        )
    return verdict


def may_edit_evaluation(user, agreement, evaluation: ProjectEvaluation | None) -> Verdict:
    """The partner writes its project's evaluation until it is submitted, and again when returned."""
    verdict = _own(user, agreement.partner_id, "write this evaluation")
    if verdict[0] and evaluation is not None and not evaluation.is_editable:
        return refused("This evaluation has been submitted, so it can no longer be changed.")
    return verdict


def may_review_evaluation(user, evaluation: ProjectEvaluation, doing: str = "accepted or returned") -> Verdict:
    verdict = _staff(user, "accept or return an evaluation")
    if verdict[0] and evaluation.status != ProjectEvaluation.Status.SUBMITTED:
        return refused(f"Only a submitted evaluation can be {doing}.")
    return verdict


def may_write_case_study(user, partner) -> Verdict:
    """A partner's users write its case studies."""
    return _own(user, partner.pk, "write its case studies")


def may_edit_case_study(user, case_study: CaseStudy) -> Verdict:
    """The partner edits its own case study while it is a draft (staff unpublish it to reopen it)."""
    verdict = _own(user, case_study.partner_id, "change its case studies")
    if verdict[0] and case_study.status != CaseStudy.Status.DRAFT:
        return refused("A published case study cannot be changed. Ask the Hub to take it down first.")
    return verdict


def may_record_consent(user, case_study: CaseStudy) -> Verdict:
    """The partner records the consent it holds, whether or not the case study is published."""
    return _own(user, case_study.partner_id, "record consent")


def may_publish_case_study(user, case_study: CaseStudy) -> Verdict:
    """Staff publish a draft case study (the consent rule is checked by the service)."""
    verdict = _staff(user, "publish a case study")
    if verdict[0] and case_study.status != CaseStudy.Status.DRAFT:
        return refused("This case study is published already.")
    return verdict


def may_unpublish_case_study(user, case_study: CaseStudy) -> Verdict:
    verdict = _staff(user, "take down a case study")
    if verdict[0] and case_study.status != CaseStudy.Status.PUBLISHED:
        return refused("This case study is not published, so there is nothing to take down.")
    return verdict


def may_record_income(user, partner_id: int) -> Verdict:
    """A partner records (and removes) the income it secured."""
    return _own(user, partner_id, "record its income")
