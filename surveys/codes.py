"""The stable question codes the Hub's reports add up.

A question set is data staff edit, but reach is reported from the questions
with these codes (every version of the default sets keeps them). A set staff
build themselves is counted in the reports when it uses the same codes.
"""

REACH_TOTAL = "reach_total"
REACH_BY_ACTIVITY = "reach_by_activity"
SCHOOLS_COUNT = "schools_count"
SCHOOLS_LIST = "schools_worked_with"
SESSIONS = "sessions_delivered"
INCOME_TO_DATE = "income_secured_to_date"

REACH_BY_DISTRICT = "reach_by_district"
# The demographic breakdowns of reach, in the order reports show them.
BREAKDOWNS = [
    ("reach_by_age_phase", "Age phase or key stage"),
    (REACH_BY_DISTRICT, "District"),
    ("reach_by_sen", "Special educational needs"),
    ("reach_by_fsm", "Free school meals or pupil premium"),
    ("reach_by_ethnicity", "Ethnicity"),
    ("reach_by_gender", "Gender"),
]
BREAKDOWN_LABELS = dict(BREAKDOWNS)
NOT_KNOWN = "Not known"

QUALITY_PRINCIPLES = [
    "Striving for excellence and innovation",
    "Being authentic",
    "Being exciting, inspiring and engaging",
    "Ensuring a positive and inclusive experience",
    "Actively involving children and young people",
    "Enabling personal progression",
    "Developing belonging and ownership",
]
