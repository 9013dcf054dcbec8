"""Weighted scores, the mean, the spread and the ranking, on a worked example."""

from decimal import Decimal

from eoi.models import ExpressionOfInterest, Score
from eoi.selectors import assessment_matrix, matrix_grid, rank, weighted_score
from tests.eoi.conftest import move
from tests.eoi.factories import AssessorAssignmentFactory, ExpressionOfInterestFactory
from tests.factories import PartnerFactory, UserFactory

D = Decimal


def scored(call, partner_name, by_assessor: dict, *, conflicted=(), moderated=None):
    """An EOI in assessment with each assessor's scores, in criterion order."""
    eoi = ExpressionOfInterestFactory(call=call, partner=PartnerFactory(name=partner_name))
    move(eoi, ExpressionOfInterest.Status.UNDER_ASSESSMENT)
    if moderated is not None:
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(moderated_score=moderated)
    criteria = list(call.criteria.all())
    for assessor, scores in by_assessor.items():
        assignment = AssessorAssignmentFactory(eoi=eoi, assessor=assessor, has_conflict=assessor in conflicted)
        for criterion, value in zip(criteria, scores, strict=False):
            Score.objects.create(assignment=assignment, criterion=criterion, score=value, comment="Because.")
    return eoi


def test_the_weighted_score_is_the_weighted_mean_of_the_criteria(call):
    criteria = list(call.criteria.all())  # weights 3, 2, 1
    scores = {c.pk: s for c, s in zip(criteria, [5, 4, 3], strict=True)}
    # (5×3 + 4×2 + 3×1) / (3 + 2 + 1) = 26 / 6 = 4.333…
    assert weighted_score(scores, criteria) == D("4.33")
    del scores[criteria[2].pk]
    assert weighted_score(scores, criteria) is None  # not every criterion scored yet


def test_the_matrix_ranks_a_worked_example(call):
    asha, ben, cara = (UserFactory(role="Assessor", username=n) for n in ("asha", "ben", "cara"))
    # Weights 3, 2, 1.
    a = scored(call, "Alpha Music", {asha: [5, 4, 3], ben: [3, 3, 3]})  # 4.33 and 3.00: mean 3.67, spread 1.33
    b = scored(call, "Beta Strings", {asha: [4, 4, 4], ben: [4, 4, 4]})  # 4.00 and 4.00: mean 4.00, spread 0
    c = scored(call, "Gamma Voices", {asha: [2, 2, 2], ben: [5, 5, 5]}, moderated=D("4.50"))  # moderation wins
    d = scored(call, "Delta Brass", {asha: [4, 4, 4], cara: [1, 1, 1]}, conflicted={cara})  # cara cannot score
    e = scored(call, "Epsilon Drums", {asha: [5]})  # incomplete: unranked

    rows = {row.eoi.pk: row for row in assessment_matrix(call)}
    assert (rows[a.pk].mean, rows[a.pk].spread) == (D("3.67"), D("1.33"))
    assert (rows[b.pk].mean, rows[b.pk].spread) == (D("4.00"), D("0.00"))
    assert rows[c.pk].mean == D("3.50") and rows[c.pk].ranking_score == D("4.50")
    assert rows[d.pk].mean == D("4.00")  # the conflicted assessor's scores are ignored
    assert [r.weighted for r in rows[d.pk].results] == [D("4.00"), None]
    assert rows[e.pk].mean is None and rows[e.pk].results[0].scored == 1

    ranked = [(row.eoi.partner.name, row.rank) for row in assessment_matrix(call)]
    assert ranked == [
        ("Gamma Voices", 1),
        ("Beta Strings", 2),
        ("Delta Brass", 2),  # equal scores share a rank
        ("Alpha Music", 4),
        ("Epsilon Drums", None),
    ]


def test_rank_puts_ties_together_and_unscored_last():
    from dataclasses import dataclass

    @dataclass
    class Row:
        ranking_score: Decimal | None
        rank: int | None = None

        @property
        def eoi(self):
            class E:
                class partner:
                    name = "x"

            return E

    rows = rank([Row(D("3")), Row(None), Row(D("5")), Row(D("3"))])
    assert [(r.ranking_score, r.rank) for r in rows] == [(D("5"), 1), (D("3"), 2), (D("3"), 2), (None, None)]


def test_drafts_and_withdrawn_eois_are_not_in_the_matrix(call):
    ExpressionOfInterestFactory(call=call)
    withdrawn = ExpressionOfInterestFactory(call=call)
    move(withdrawn, ExpressionOfInterest.Status.WITHDRAWN)
    assert assessment_matrix(call) == []


def test_the_grid_shows_each_assessors_score_for_each_criterion_with_the_spread(call):
    asha, ben, cara = (
        UserFactory(role="Assessor", username=n, first_name=n.title(), last_name="Assessor")
        for n in ("asha", "ben", "cara")
    )
    a = scored(call, "Alpha Music", {asha: [5, 4, 3], ben: [3, 3, 3]})
    d = scored(call, "Delta Brass", {asha: [4, 4, 4], cara: [1, 1, 1]}, conflicted={cara})
    e = scored(call, "Epsilon Drums", {asha: [5]})
    AssessorAssignmentFactory(eoi=e, assessor=ben, has_conflict=None)  # assigned, not declared yet
    criteria = list(call.criteria.all())
    grid = matrix_grid(assessment_matrix(call), criteria)
    assert [u.username for u in grid.assessors] == ["asha", "ben", "cara"]  # every assessor, by name
    blocks = {block.row.eoi.pk: block for block in grid.blocks}

    alpha = blocks[a.pk]
    assert [line.label for line in alpha.lines] == ["Meets the gap", "Value for money", "Quality and safeguarding"]
    assert [[c.score for c in line.cells] for line in alpha.lines] == [[5, 3, None], [4, 3, None], [3, 3, None]]
    assert [line.spread for line in alpha.lines] == [2, 1, 0]
    assert alpha.lines[0].cells[2].note == "Not assigned"
    assert [c.score for c in alpha.total.cells] == [D("4.33"), D("3.00"), None] and alpha.total.spread == D("1.33")

    delta = blocks[d.pk]
    assert [c.note for c in delta.lines[0].cells] == ["", "Not assigned", "Conflict declared"]
    assert delta.lines[0].spread is None  # one score given: no spread
    assert [a.assessor.username for a in delta.conflicts] == ["cara"]

    epsilon = blocks[e.pk]
    assert [c.score or c.note for c in epsilon.lines[0].cells] == [5, "To declare", "Not assigned"]
    assert [c.score or c.note for c in epsilon.lines[1].cells] == ["Not scored yet", "To declare", "Not assigned"]
    assert epsilon.total.cells[0].note == "Not scored yet"
