"""Seed an agreement template for each seeded partner type and one for project
agreements, in the words of the Hub's Development & Partnership Commissioning
Policy and its Partnership Principles. Staff edit them afterwards."""

from django.db import migrations

BASIS = {
    "delivery": (
        "{hub} is a partnership, led by {lead} as the Hub Lead Organisation, responsible for supporting, "
        "delivering and enabling access to music education for children and young people in Leicester and "
        "Leicestershire. {partner_kind} partners deliver music-making with and for children and young people.\n\n"
        "This agreement sets out how the partnership will work for the academic year: the outcomes we have agreed, "
        "what each of us will do, how quality and performance will be monitored, and the conditions of the "
        "partnership. Its purpose is shared: both partners want to make a positive difference to the lives of "
        "children and young people in Leicester and Leicestershire through music, in line with the National Plan "
        "for Music Education and the gaps in provision the Hub's Needs Analysis identifies.\n\n"
        "The partnership follows the Hub's Partnership Principles: it is inclusive, collaborative, high quality "
        "and evaluative, and it leaves a legacy."
    ),
    "strategic": (
        "{hub} is a partnership, led by {lead} as the Hub Lead Organisation, responsible for supporting, "
        "delivering and enabling access to music education for children and young people in Leicester and "
        "Leicestershire. {partner_kind} partners shape the Hub's work with us: they share resources, expertise and "
        "best practice, and help the Hub meet the aims of the National Plan for Music Education across its "
        "strands (partnerships, schools, progression and musical development, inclusion, and sustainability).\n\n"
        "This agreement sets out how the partnership will work for the academic year: the outcomes we have agreed, "
        "what each of us will do, how quality and performance will be monitored, and the conditions of the "
        "partnership. It supports the Hub's Needs Analysis and the Local Plan for Music Education.\n\n"
        "The partnership follows the Hub's Partnership Principles: it is inclusive, collaborative, high quality "
        "and evaluative, and it leaves a legacy."
    ),
    "network": (
        "{hub} is a partnership, led by {lead} as the Hub Lead Organisation, that welcomes every individual and "
        "organisation delivering music education to young people in Leicester and Leicestershire. "
        "{partner_kind} partners belong to the Hub's network: they share information, opportunities and good "
        "practice with the Hub and with each other.\n\n"
        "Where a written agreement is made with a network member, it records the basis of the partnership, what "
        "each of us will do and the conditions, for the academic year. Its purpose is shared: both partners want "
        "to make a positive difference to the lives of children and young people through music."
    ),
}

HUB_EXPECTATIONS = (
    "The Hub will:\n"
    "- share the Needs Analysis and invite expressions of interest where it identifies a gap in provision the "
    "partner could meet (being a partner does not give automatic access to Hub Grant funds);\n"
    "- offer workforce development, continuing professional development and networking for the partner's staff;\n"
    "- share data, resources, progression routes and performance opportunities for the young people the partner "
    "works with;\n"
    "- give the partner its termly survey in good time, with deadlines, and feed back what the Hub learns from it;\n"
    "- meet the partner for the review meetings this agreement sets, and raise any concern early;\n"
    "- provide the Hub's and Arts Council England's branding guidelines and acknowledge the partner's contribution "
    "in the Hub's reporting;\n"
    "- handle any complaint or grievance about the partnership through the Service Manager of {lead} first, "
    "and, if it is not resolved, through the Chair of the Hub Executive Board."
)

PARTNER_EXPECTATIONS = {
    "delivery": (
        "The partner will:\n"
        "- deliver the activity and the agreed outcomes in this agreement, for the children and young people of "
        "Leicester and Leicestershire, so that they are inspired, enjoy their music-making and take meaningful value "
        "from it, and are supported to continue along their chosen progression pathway;\n"
        "- work to the Hub's Inclusion & Quality Principles, with Arts Council England's Quality Principles as the "
        "reference point, and the Inclusion, Diversity, Equity & Access (IDEA) framework, identifying and breaking "
        "down barriers to music-making;\n"
        "- involve young people as co-creators of the work;\n"
        "- work to secure funding from other sources (fundraising, trading, grants) so that income across the Hub "
        "area is at least equal to the Hub Grant, and record the income it secures;\n"
        "- return the termly survey and any other data the Hub requests by the deadlines set;\n"
        "- tell the Hub at once of any safeguarding concern, and of any change to its designated safeguarding lead, "
        "insurance or key staff."
    ),
    "strategic": (
        "The partner will:\n"
        "- work with the Hub towards the agreed outcomes in this agreement and the aims of the National Plan for "
        "Music Education, sharing resources, expertise and best practice;\n"
        "- contribute to the Hub's Needs Analysis and to planning across the Hub area, including progression routes "
        "for young musicians and the Hub's inclusion work under the IDEA framework;\n"
        "- champion high-quality music education using Arts Council England's Quality Principles as the reference "
        "point, and support workforce development;\n"
        "- work to secure funding from other sources (fundraising, trading, grants) so that income across the Hub "
        "area is at least equal to the Hub Grant, and record the income it secures;\n"
        "- provide the data the Hub requests by the deadlines set and take part in the review meetings;\n"
        "- tell the Hub at once of any safeguarding concern."
    ),
    "network": (
        "The partner will:\n"
        "- share information about its music-making for children and young people with the Hub and the network;\n"
        "- work to the Hub's Inclusion & Quality Principles and Arts Council England's Quality Principles;\n"
        "- provide the data the Hub requests by the deadlines set;\n"
        "- tell the Hub at once of any safeguarding concern."
    ),
}

MONITORING = {
    True: (
        "Quality, impact and performance are assessed against the agreed outcomes using the Hub's Inclusion & "
        "Quality Principles, its Evaluation and Impact Framework and the IDEA framework.\n"
        "- Termly surveys (Autumn, Spring and Summer): progress, reach and impact, including the children and young "
        "people reached by activity, schools worked with, sessions delivered, breakdowns (district, age or key "
        "stage, SEND, free school meals or pupil premium, ethnicity, gender; counts only, never names), progress "
        "against the agreed outcomes and stories of impact.\n"
        "- Review meetings: {meetings} a year, including the annual review of performance against each agreed "
        "outcome, survey returns on time, complaints, safeguarding and branding, with a recommendation to renew, "
        "renew with conditions, not renew or terminate.\n"
        "- Where the partner completes a project commissioned by the Hub, it provides more detailed project "
        "evaluation data and case studies under that project's agreement."
    ),
    False: (
        "Quality, impact and performance are assessed against the agreed outcomes using the Hub's Inclusion & "
        "Quality Principles, its Evaluation and Impact Framework and the IDEA framework.\n"
        "- Review meetings: {meetings} a year, including the annual review of performance against each agreed "
        "outcome, data returns, complaints, safeguarding and branding, with a recommendation to renew, renew with "
        "conditions, not renew or terminate.\n"
        "- Data the Hub requests (reach and impact, counts only, never names of children) is returned by the "
        "deadlines set.\n"
        "- Where the partner completes a project commissioned by the Hub, it provides more detailed project "
        "evaluation data and case studies under that project's agreement."
    ),
}

CONDITIONS = (
    "1. Safeguarding. The partner keeps an up-to-date safeguarding policy, a named designated safeguarding lead, "
    "safeguarding training for its staff and volunteers, and enhanced DBS checks with the barred list for everyone "
    "working with children and young people, and evidences them to the Hub when asked. The Hub takes its "
    "safeguarding duties extremely seriously: a breach of safeguarding, or a concern raised, may lead to the "
    "partnership being suspended at once and to the immediate termination of this agreement.\n"
    "2. Minimum standards. The partner keeps its public liability insurance, data protection policy and "
    "commitment to the Quality Principles in date.\n"
    "3. Branding. The partner follows the branding guidelines of {hub} and of Arts Council England in all "
    "publicity for Hub-supported activity. Repeated failure to meet them may lead to termination or non-renewal.\n"
    "4. Data timetable. The partner provides data (termly surveys, evaluations and other returns) in accordance "
    "with the timetable the Hub sets. Failure to do so may lead to termination or non-renewal.\n"
    "5. Reputation. Partnership actions must not bring reputational damage to {hub}, {lead}, Leicestershire County "
    "Council, Arts Council England or the Department for Education.\n"
    "6. Term and ending. This agreement runs for the academic year, 1 September to 31 August, and is reviewed at "
    "least once a year; new agreements are issued ahead of the new period. It may be terminated mid-year, or not "
    "renewed, where the partnership no longer supports the aims of the Hub or benefits children and young people, "
    "causes serious concern about safeguarding, quality or impact, does not deliver against the agreed outcomes, "
    "or does not meet these conditions. Hub staff recommend; the Chair of the Hub Executive Board decides, and the "
    "decision is final."
)

PROJECT = {
    "basis": (
        "This project agreement follows an expression of interest the Hub invited to meet a gap in provision "
        "identified by its Needs Analysis, assessed and awarded in accordance with Leicestershire County Council's "
        "Contract Procedure Rules. It sets out the financial contribution the Hub makes from the Hub Grant, the "
        "match funding the partner commits (at least half of the cost of the work comes from sources other than "
        "the Hub Grant), the payment schedule, the outcomes agreed, and the expectations and conditions of the "
        "award."
    ),
    "hub": (
        "The Hub will:\n"
        "- pay its financial contribution in the instalments of the payment schedule, each when its milestone is "
        "met;\n"
        "- name a contact at {lead} for the project and meet the partner to review progress;\n"
        "- promote the project and its opportunities for young people through the Hub's networks;\n"
        "- provide the Hub's and Arts Council England's branding guidelines and the evaluation templates."
    ),
    "partner": (
        "The partner will:\n"
        "- deliver the project as set out in its expression of interest and towards the agreed outcomes, in line "
        "with the Hub's Quality and Performance frameworks and the five Partnership Principles (inclusive, "
        "collaborative, high quality, evaluative, legacy);\n"
        "- secure the match funding it has committed and tell the Hub at once if any of it is at risk;\n"
        "- spend the Hub's contribution only on the project, keep records of spending, and return any amount not "
        "spent on it;\n"
        "- on completion, provide the project evaluation data and case studies by the due date: outcomes achieved "
        "against their targets, actual reach, actual spend and match funding, what was learned and the legacy, "
        "with consent recorded for any story or image of a young person."
    ),
    "monitoring": (
        "Progress is reviewed at the review meetings and at each payment milestone. On completion the partner "
        "provides project evaluation data and case studies, assessed under the Hub's Evaluation and Impact "
        "Framework, the Inclusion & Quality Principles and the IDEA framework."
    ),
}


# The Hub the templates were first written for (its names were settings then;
# since issue 22 they are the Hub record, and setup_hub rewords these templates).
FIRST_HUB = {"hub": "Leicestershire Music Hub", "lead": "Leicestershire Music"}


def seed(apps, schema_editor):
    PartnerType = apps.get_model("partners", "PartnerType")
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    names = FIRST_HUB
    for partner_type in PartnerType.objects.all():
        if AgreementTemplate.objects.filter(partner_type=partner_type).exists():
            continue
        kind = partner_type.kind if partner_type.kind in BASIS else "delivery"
        meetings = max(partner_type.annual_review_meetings, 2 if kind == "strategic" else 1)
        surveys = partner_type.termly_surveys_required
        AgreementTemplate.objects.create(
            name=f"Partnership agreement: {partner_type.name}",
            kind="partnership",
            partner_type=partner_type,
            basis=BASIS[kind].format(partner_kind=partner_type.name, **names),
            hub_expectations=HUB_EXPECTATIONS.format(**names),
            partner_expectations=PARTNER_EXPECTATIONS[kind],
            monitoring=MONITORING[surveys].format(meetings=meetings),
            conditions=CONDITIONS.format(**names),
            requires_termly_surveys=surveys,
            requires_evaluation=False,
            review_meetings_per_year=meetings,
        )
    if not AgreementTemplate.objects.filter(kind="project").exists():
        AgreementTemplate.objects.create(
            name="Project agreement",
            kind="project",
            partner_type=None,
            basis=PROJECT["basis"],
            hub_expectations=PROJECT["hub"].format(**names),
            partner_expectations=PROJECT["partner"],
            monitoring=PROJECT["monitoring"],
            conditions=CONDITIONS.format(**names).replace(
                "6. Term and ending. This agreement runs for the academic year, 1 September to 31 August, and is "
                "reviewed at least once a year; new agreements are issued ahead of the new period.",
                "6. Term and ending. This agreement runs from the project's start to its end and until the "
                "evaluation is accepted.",
            ),
            requires_termly_surveys=False,
            requires_evaluation=True,
            review_meetings_per_year=2,
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_initial"), ("partners", "0002_reference_data")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
