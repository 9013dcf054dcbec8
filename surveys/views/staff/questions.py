"""Staff pages for question sets: the questions partners answer each term, versioned once a round has used them."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agreements.models import Outcome
from hubportal.core.actions import attempt
from hubportal.core.history import history_for
from hubportal.core.listpage import list_page
from hubportal.core.roles import hub_staff_required
from surveys import permissions, selectors, services
from surveys.filters import QuestionSetFilter
from surveys.forms import QuestionForm, QuestionSetForm
from surveys.models import QuestionSet
from surveys.response_form import ResponseForm

QUESTION_SET_COLUMNS = [
    ("Name", lambda s: s.name),
    ("Family", lambda s: s.family),
    ("Version", lambda s: s.version),
    ("Term", lambda s: s.get_term_display()),
    ("Questions", lambda s: s.n_questions),
    ("Rounds that used it", lambda s: s.n_rounds),
    ("Replaced", lambda s: s.retired_at),
]


@hub_staff_required
def questionset_list(request: HttpRequest) -> HttpResponse:
    sets = QuestionSet.objects.annotate(
        n_questions=Count("questions", distinct=True), n_rounds=Count("rounds", distinct=True)
    ).order_by("family", "-version")
    filtered = QuestionSetFilter(request.GET, queryset=sets)
    return list_page(
        request, filtered, "surveys/staff_questionset_list.html", columns=QUESTION_SET_COLUMNS, basename="question-sets"
    )


@hub_staff_required
def questionset_create(request: HttpRequest) -> HttpResponse:
    form = QuestionSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question_set = services.question_set_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"“{question_set.name}” is ready. Add its questions.")
        return redirect("surveys:questionset_detail", question_set.pk)
    return render(request, "surveys/staff_questionset_form.html", {"form": form, "question_set": None})


def _version_message(request, before: QuestionSet, after: QuestionSet) -> None:
    if after.pk != before.pk:
        messages.info(
            request,
            f"Version {before.version} was used by a survey round, so your change made version {after.version}. "
            f"Version {before.version} stays as it was for that round.",
        )


@hub_staff_required
def questionset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = selectors.get_question_set(pk)
    questions = question_set.questions.select_related("total_question", "follow_up_of").order_by("order", "pk")
    return render(
        request,
        "surveys/staff_questionset_detail.html",
        {
            "question_set": question_set,
            "questions": questions,
            "versions": QuestionSet.objects.filter(family=question_set.family).annotate(n_rounds=Count("rounds")),
            "rounds": question_set.rounds.select_related("term"),
            "can_edit": permissions.may_edit_question_set(request.user, question_set)[0],
            "history": history_for(question_set),
        },
    )


@hub_staff_required
def questionset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = selectors.get_question_set(pk)
    form = QuestionSetForm(
        request.POST or None,
        initial={"name": question_set.name, "term": question_set.term, "description": question_set.description},
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: services.question_set_update(question_set=question_set, actor=request.user, **form.cleaned_data),
        )
        if saved:
            _version_message(request, question_set, saved.result)
            messages.success(request, "The question set is saved.")
            return redirect("surveys:questionset_detail", saved.result.pk)
    return render(request, "surveys/staff_questionset_form.html", {"form": form, "question_set": question_set})


@hub_staff_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = selectors.get_question_set(pk)
    form = QuestionForm(request.POST or None, question_set=question_set)
    if request.method == "POST" and form.is_valid():
        added = attempt(
            request,
            lambda: services.question_add(question_set=question_set, actor=request.user, data=form.to_data()),
        )
        if added:
            question = added.result
            _version_message(request, question_set, question.question_set)
            messages.success(request, f"Added “{question.text}”.")
            return redirect("surveys:questionset_detail", question.question_set_id)
    return render(
        request, "surveys/staff_question_form.html", {"form": form, "question_set": question_set, "question": None}
    )


@hub_staff_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question(pk)
    question_set = question.question_set
    form = QuestionForm(request.POST or None, question_set=question_set, question=question)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request, lambda: services.question_update(question=question, actor=request.user, data=form.to_data())
        )
        if saved:
            updated = saved.result
            _version_message(request, question_set, updated.question_set)
            messages.success(request, f"Saved “{updated.text}”.")
            return redirect("surveys:questionset_detail", updated.question_set_id)
    return render(
        request,
        "surveys/staff_question_form.html",
        {"form": form, "question_set": question_set, "question": question},
    )


@hub_staff_required
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question(pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    done = attempt(request, lambda: services.question_move(question=question, actor=request.user, direction=direction))
    if not done:
        return redirect("surveys:questionset_detail", question.question_set_id)
    moved = done.result
    _version_message(request, question.question_set, moved.question_set)
    return redirect(reverse("surveys:questionset_detail", args=[moved.question_set_id]) + f"#question-{moved.pk}")


@hub_staff_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question(pk)
    done = attempt(request, lambda: services.question_delete(question=question, actor=request.user))
    if not done:
        return redirect("surveys:questionset_detail", question.question_set_id)
    target = done.result
    _version_message(request, question.question_set, target)
    messages.success(request, f"Removed “{question.text}”.")
    return redirect("surveys:questionset_detail", target.pk)


@hub_staff_required
def questionset_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The set as a partner sees it, with two example outcomes for the per-outcome questions."""
    question_set = selectors.get_question_set(pk)
    outcomes = [
        Outcome(pk=-1, description="First agreed outcome (each partner sees its own)", measure="", target=""),
        Outcome(pk=-2, description="Second agreed outcome", measure="", target=""),
    ]
    form = ResponseForm(questions=selectors.questions_of(question_set), outcomes=outcomes)
    return render(request, "surveys/staff_questionset_preview.html", {"question_set": question_set, "form": form})
