"""Seed the default termly question sets (issue 6): one family per term.

Every term asks for activity against plan, reach (in all and by activity type),
schools, sessions, the breakdowns of reach (each with "Not known" and adding up
to the total), progress against each agreed outcome, safeguarding incidents
(with a follow-up) and issues and risks. Autumn adds plans for the year, Spring
income secured to date, Summer outcomes against the year's aims, a case study
and a self-assessment against Arts Council England's seven Quality Principles.

The district rows are read from the District table as it stands when this
runs; activity rows use the ActivityType names. Staff edit the sets afterwards
in the staff area (an edit to a set a round has used makes a new version).
The text is frozen here on purpose: a migration must not change when the app
code does.
"""

from django.db import migrations

NOT_KNOWN = "Not known"

# The activity types the issue names, as the ActivityType table spells them.
ACTIVITY_ROWS = [
    "Whole class ensemble teaching (first access)",
    "Small group or individual instrumental or vocal tuition",
    "Ensembles (choir, band, orchestra, other)",
    "Singing",
    "Music technology and songwriting",
    "Early years",
    "CPD for school staff",
    "Performances and events",
]
AGE_PHASE_ROWS = ["Early years", "Key stage 1", "Key stage 2", "Key stage 3", "Key stage 4", "16 to 18", NOT_KNOWN]
SEN_ROWS = ["Education, health and care (EHC) plan", "SEN support", "No special educational needs", NOT_KNOWN]
FSM_ROWS = ["Free school meals or pupil premium", "Neither", NOT_KNOWN]
ETHNICITY_ROWS = ["Asian", "Black", "Mixed", "White", "Other", "Not stated", NOT_KNOWN]
GENDER_ROWS = ["Female", "Male", "Another gender identity", NOT_KNOWN]
PROGRESS_CHOICES = ["Achieved", "On track", "Off track", "Not started yet"]
YES_NO = ["Yes", "No"]

QUALITY_PRINCIPLES = [
    "Striving for excellence and innovation",
    "Being authentic",
    "Being exciting, inspiring and engaging",
    "Ensuring a positive and inclusive experience",
    "Actively involving children and young people",
    "Enabling personal progression",
    "Developing belonging and ownership",
]

BREAKDOWN_HELP = "Count each child or young person once. The rows must add up to the number who took part."


def common_questions(districts):
    """The questions every term asks, in order. Each is a dict of Question fields."""
    return [
        {
            "code": "activity_against_plan",
            "section": "Delivery",
            "text": "What activity did you deliver this term, and how did it compare with your plan?",
            "help_text": "Say what went as planned, what changed and why.",
            "type": "long_text",
        },
        {
            "code": "reach_total",
            "section": "Reach",
            "text": "How many children and young people took part this term?",
            "help_text": "Count each child or young person once, however many activities they took part in.",
            "type": "integer",
        },
        {
            "code": "reach_by_activity",
            "section": "Reach",
            "text": "How many took part in each type of activity?",
            "help_text": (
                "Count a child in each activity they took part in, so these can add up to more than the number "
                "above. For CPD, count the school staff who took part."
            ),
            "type": "grid",
            "rows": ACTIVITY_ROWS,
        },
        {
            "code": "schools_count",
            "section": "Reach",
            "text": "How many schools did you work with this term?",
            "type": "integer",
        },
        {
            "code": "schools_worked_with",
            "section": "Reach",
            "text": "Which schools did you work with?",
            "help_text": "One school per line, as the school is named (for the Hub's annual data return).",
            "type": "long_text",
            "required": False,
        },
        {
            "code": "sessions_delivered",
            "section": "Reach",
            "text": "How many sessions did you deliver this term?",
            "type": "integer",
        },
        {
            "code": "reach_by_age_phase",
            "section": "Who took part",
            "text": "Children and young people by age phase or key stage",
            "help_text": BREAKDOWN_HELP,
            "type": "grid",
            "rows": AGE_PHASE_ROWS,
            "total": "reach_total",
        },
        {
            "code": "reach_by_district",
            "section": "Who took part",
            "text": "Children and young people by the district they live or go to school in",
            "help_text": BREAKDOWN_HELP,
            "type": "grid",
            "rows": [*districts, NOT_KNOWN],
            "total": "reach_total",
        },
        {
            "code": "reach_by_sen",
            "section": "Who took part",
            "text": "Children and young people by special educational needs (SEN or SEND)",
            "help_text": BREAKDOWN_HELP,
            "type": "grid",
            "rows": SEN_ROWS,
            "total": "reach_total",
        },
        {
            "code": "reach_by_fsm",
            "section": "Who took part",
            "text": "Children and young people eligible for free school meals or pupil premium",
            "help_text": BREAKDOWN_HELP,
            "type": "grid",
            "rows": FSM_ROWS,
            "total": "reach_total",
        },
        {
            "code": "reach_by_ethnicity",
            "section": "Who took part",
            "text": "Children and young people by ethnicity group",
            "help_text": BREAKDOWN_HELP,
            "type": "grid",
            "rows": ETHNICITY_ROWS,
            "total": "reach_total",
        },
        {
            "code": "reach_by_gender",
            "section": "Who took part",
            "text": "Children and young people by gender",
            "help_text": BREAKDOWN_HELP,
            "type": "grid",
            "rows": GENDER_ROWS,
            "total": "reach_total",
        },
        {
            "code": "outcome_progress",
            "section": "Progress against your agreed outcomes",
            "text": "How is this outcome going?",
            "type": "single_choice",
            "choices": PROGRESS_CHOICES,
            "per_outcome": True,
        },
        {
            "code": "outcome_progress_detail",
            "section": "Progress against your agreed outcomes",
            "text": "What progress have you made towards this outcome, measured as agreed?",
            "type": "long_text",
            "per_outcome": True,
        },
        {
            "code": "safeguarding_incidents",
            "section": "Safeguarding",
            "text": "Were there any safeguarding incidents or concerns this term?",
            "type": "single_choice",
            "choices": YES_NO,
        },
        {
            "code": "safeguarding_detail",
            "section": "Safeguarding",
            "text": "What happened, what did you do, and was it reported to your designated safeguarding lead?",
            "help_text": "Do not name any child or young person.",
            "type": "long_text",
            "follow_up": ("safeguarding_incidents", "Yes"),
        },
        {
            "code": "issues_risks",
            "section": "Issues and risks",
            "text": "Are there any issues or risks the Hub should know about?",
            "help_text": "For example staffing, venues, funding or take-up. Write 'None' if there are none.",
            "type": "long_text",
        },
    ]


AUTUMN_EXTRA = [
    {
        "code": "plans_for_year",
        "section": "Plans for the year",
        "text": "What are your plans for this academic year?",
        "help_text": "What you will deliver, for whom and where, and what you aim to achieve.",
        "type": "long_text",
    },
]
SPRING_EXTRA = [
    {
        "code": "income_secured_to_date",
        "section": "Income",
        "text": "How much income have you secured so far this academic year, from sources other than the Hub Grant?",
        "help_text": "Fundraising, trading, grants and other income, in pounds.",
        "type": "money",
    },
]
SUMMER_EXTRA = [
    {
        "code": "outcomes_against_aims",
        "section": "The year's aims",
        "text": "How did this year's work meet the aims you set for the year?",
        "type": "long_text",
    },
    {
        "code": "case_study",
        "section": "Case study",
        "text": "Tell us the story of one piece of work this year and the difference it made.",
        "help_text": (
            "If the story is about a young person, or you have photographs of young people, add it as a case study "
            "under Evaluations and case studies, with the consent you hold."
        ),
        "type": "long_text",
    },
    *[
        {
            "code": f"quality_principle_{n}",
            "section": "Self-assessment against Arts Council England's Quality Principles",
            "text": principle,
            "help_text": "1 is not yet, 5 is fully and consistently.",
            "type": "rating",
        }
        for n, principle in enumerate(QUALITY_PRINCIPLES, start=1)
    ],
]

SETS = [
    ("termly-autumn", "Termly survey: Autumn", "autumn", AUTUMN_EXTRA),
    ("termly-spring", "Termly survey: Spring", "spring", SPRING_EXTRA),
    ("termly-summer", "Termly survey: Summer", "summer", SUMMER_EXTRA),
]


def seed(apps, schema_editor):
    QuestionSet = apps.get_model("surveys", "QuestionSet")
    Question = apps.get_model("surveys", "Question")
    District = apps.get_model("partners", "District")
    districts = list(District.objects.filter(is_active=True).order_by("sort_order", "name").values_list("name", flat=True))
    for family, name, term, extra in SETS:
        question_set, created = QuestionSet.objects.get_or_create(
            family=family,
            version=1,
            defaults={
                "name": name,
                "term": term,
                "description": "The Hub's default termly survey. Edit it here; a round keeps the version it opened with.",
            },
        )
        if not created:
            continue
        by_code = {}
        specs = common_questions(districts)
        # The term's own questions come before the safeguarding and risk questions at the end.
        insert_at = next(i for i, q in enumerate(specs) if q["code"] == "safeguarding_incidents")
        specs[insert_at:insert_at] = extra
        for order, spec in enumerate(specs, start=1):
            question = Question.objects.create(
                question_set=question_set,
                order=order * 10,
                code=spec["code"],
                section=spec.get("section", ""),
                text=spec["text"],
                help_text=spec.get("help_text", ""),
                type=spec["type"],
                required=spec.get("required", True),
                choices=spec.get("choices", []),
                rows=spec.get("rows", []),
                per_outcome=spec.get("per_outcome", False),
                total_question=by_code.get(spec.get("total")),
            )
            if "follow_up" in spec:
                parent_code, when = spec["follow_up"]
                question.follow_up_of = by_code[parent_code]
                question.follow_up_when = when
                question.save(update_fields=["follow_up_of", "follow_up_when"])
            by_code[spec["code"]] = question


def unseed(apps, schema_editor):
    QuestionSet = apps.get_model("surveys", "QuestionSet")
    Question = apps.get_model("surveys", "Question")
    families = [family for family, *_ in SETS]
    unused = QuestionSet.objects.filter(family__in=families, version=1, rounds__isnull=True)
    Question.objects.filter(question_set__in=unused).update(total_question=None, follow_up_of=None)
    Question.objects.filter(question_set__in=unused).delete()
    unused.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_request_returned_at"),
        ("partners", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
