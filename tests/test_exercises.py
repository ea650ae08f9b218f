"""Every checker accepts its solution, and turns known slips into specific feedback."""

import importlib.util
from pathlib import Path

import pytest

from lectures_lib.exercises import EXERCISES, check, feedback

spec = importlib.util.spec_from_file_location(
    "answers", Path(__file__).resolve().parents[1] / "solutions" / "answers.py"
)
answers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(answers)


def test_every_exercise_has_a_solution():
    assert set(answers.ANSWERS) == set(EXERCISES)


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_solution_is_accepted(exercise_id, capsys):
    assert check(exercise_id, answers.ANSWERS[exercise_id])
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_wrong_answers_get_helpful_feedback(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert exercise.slips, "each exercise knows at least one common slip"
    for wrong, why in exercise.slips:
        right, message = feedback(exercise_id, wrong)
        assert not right and why in message
    right, message = feedback(exercise_id, None)
    assert not right and "Hint" in message
    arbitrary = 12345.0 if not isinstance(exercise.expected, tuple) else (123.0, 456.0)
    right, message = feedback(exercise_id, arbitrary)
    assert not right and exercise.hint in message


def test_wrong_shape_says_what_shape():
    right, message = feedback("01.gradient", 3.0)
    assert not right and "2 numbers" in message


def test_unknown_exercise():
    with pytest.raises(KeyError, match="no exercise"):
        check("99.nothing", 1)
