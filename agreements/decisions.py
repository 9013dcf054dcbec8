"""What the Chair's decision on a recommendation will do, in words, for the
confirm step before it is recorded (agreements.services.recommendation_decide
is what does it)."""

from agreements.models import Agreement, TerminationRecommendation
from hubportal.core.words import possessive


def decision_effects(recommendation: TerminationRecommendation, decision: str) -> list[str]:
    """The effects of deciding ``decision`` on this recommendation, as sentences."""
    agreement = recommendation.agreement
    partner = agreement.partner
    upheld = decision == TerminationRecommendation.Decision.UPHELD
    partnership = agreement.kind == Agreement.Kind.PARTNERSHIP
    others = Agreement.objects.filter(partner=partner, status__in=Agreement.OPEN).exclude(pk=agreement.pk)
    if upheld and recommendation.kind == TerminationRecommendation.Kind.TERMINATE:
        effects = [f"“{agreement.title}” is terminated at once."]
        if partnership:
            effects.append(
                f"{possessive(partner.name)} partnership is terminated: it can read its records and nothing more."
            )
            withdrawn = list(others.order_by("academic_year", "pk"))
            effects.append(
                "Its open agreements not yet in force are withdrawn: "
                + ", ".join(f"“{a.title}”" for a in withdrawn)
                + "."
                if withdrawn
                else "It has no other open agreements to withdraw."
            )
    elif upheld:
        effects = [
            f"“{agreement.title}” is not renewed: it runs to {agreement.year.ends_on:%-d %B %Y} at the latest, "
            f"and no agreement for a later year may be made with {partner.name}."
        ]
        later = list(
            others.filter(kind=Agreement.Kind.PARTNERSHIP, academic_year__gt=agreement.academic_year).order_by("pk")
        )
        if later:
            effects.append(
                "Already drafted or issued for a later year, and withdrawn: "
                + ", ".join(f"“{a.title}”" for a in later)
                + "."
            )
    else:
        effects = [f"“{agreement.title}” carries on."]
        if recommendation.partnership_suspended:
            effects.append(f"{possessive(partner.name)} suspension, made pending your decision, is lifted.")
    effects.append(f"{possessive(partner.name)} users and Hub staff are told of your decision and your reasons.")
    effects.append("Your decision is final: once recorded it is locked and cannot be changed.")
    return effects
