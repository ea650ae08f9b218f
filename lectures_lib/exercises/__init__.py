"""The exercises at the end of each notebook, checked with feedback in the lecture's terms.

In a notebook::

    from lectures_lib.exercises import check, hint

    check("01.eta_limit", answer)     # a value: a number, or a few numbers
    check("05.backprop", backprop)    # a function you wrote: pass the function itself
    hint("05.backprop")               # the next hint, only when you ask for one

`check` prints whether the answer is right and, if not, what the likely slip is.
Your function is called on a few random inputs (the same ones every time) and its
results are compared with what ``lectures_lib`` computes; how, is in ``checking.py``.
The exercises of notebook NN are in ``notebookNN.py``; worked solutions are in the
project's ``solutions/`` folder. A course grades the same exercises with Otter, in
checks a student cannot cheat (``grading.py``, COURSE.md).
"""

from __future__ import annotations

import importlib

from lectures_lib.exercises.checking import UNKNOWN, Exercise, Feedback

NOTEBOOKS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11")

_hints_shown: dict[str, int] = {}
_checked: dict[str, object] = {}  # the answer each exercise's check was last given


def checked_answers() -> dict[str, object]:
    """The answer each exercise was last checked with, by id (the grader reads them: an
    exercise cell's ``answer`` is overwritten by the next one)."""
    return dict(_checked)


def exercises(notebook: str) -> dict[str, Exercise]:
    """The exercises of one notebook ("05"), by id."""
    module = importlib.import_module(f"lectures_lib.exercises.notebook{notebook}")
    return {exercise.id: exercise for exercise in module.EXERCISES}


def all_exercises() -> dict[str, Exercise]:
    """Every exercise of the series, by id."""
    return {k: v for notebook in NOTEBOOKS for k, v in exercises(notebook).items()}


def find(exercise_id: str) -> Exercise | None:
    """The exercise with this id ("05.backprop"), or None if there is none."""
    notebook = str(exercise_id).split(".")[0]
    if notebook not in NOTEBOOKS:
        return None
    return exercises(notebook).get(exercise_id)


def _unknown(exercise_id) -> str:
    notebook = str(exercise_id).split(".")[0]
    if notebook in NOTEBOOKS:
        known = ", ".join(exercises(notebook))
        return f"There is no exercise {exercise_id!r}. Notebook {notebook} has: {known}."
    return f"There is no exercise {exercise_id!r}: ids look like '05.backprop'."


def feedback(exercise_id: str, answer) -> Feedback:
    """The verdict on ``answer`` (a value, or your function), without printing it."""
    exercise = find(exercise_id)
    if exercise is None:
        return Feedback(UNKNOWN, _unknown(exercise_id))
    return exercise.feedback(answer)


def check(exercise_id: str, answer) -> None:
    """Print whether ``answer`` to the exercise ``exercise_id`` is right, and if not, why."""
    _checked[str(exercise_id)] = answer
    print(f"{exercise_id}: {feedback(exercise_id, answer).message}")


def hint(exercise_id: str) -> None:
    """Print the next hint for the exercise; each call gives one more, up to the last."""
    exercise = find(exercise_id)
    if exercise is None:
        print(_unknown(exercise_id))
        return
    hints = exercise.hints
    shown = _hints_shown.get(exercise_id, 0)
    if shown >= len(hints):
        print(
            f"{exercise_id}: no more hints. All of them again:\n"
            + "\n".join(f"  {i}. {h}" for i, h in enumerate(hints, 1))
            + "\nThe worked solution is in the project's solutions/ folder."
        )
        return
    _hints_shown[exercise_id] = shown + 1
    print(f"{exercise_id}, hint {shown + 1} of {len(hints)}: {hints[shown]}")
