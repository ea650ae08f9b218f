"""The exercise checker: solutions accepted, unfinished work called so, near misses of
values rejected, errors reported briefly, hints on request, and the questions' claims
checked by routes independent of the checker."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lectures_lib.exercises as exercises
from lectures_lib.exercises import all_exercises, check, feedback, hint
from lectures_lib.exercises.checking import NOT_ATTEMPTED, RIGHT, Function, Value

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = all_exercises()
VALUES = sorted(i for i, e in EXERCISES.items() if isinstance(e, Value))
FUNCTIONS = sorted(i for i, e in EXERCISES.items() if isinstance(e, Function))


def load_solutions() -> dict:
    solutions = {}
    for path in sorted((ROOT / "solutions").glob("notebook*.py")):
        spec = importlib.util.spec_from_file_location(f"solutions_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        solutions.update(module.SOLUTIONS)
    return solutions


@pytest.fixture(scope="module")
def solutions(mnist):  # notebook 04's solution counts the validation labels of MNIST
    return load_solutions()


@pytest.fixture(autouse=True)
def fresh_hints(monkeypatch):
    monkeypatch.setattr(exercises, "_hints_shown", {})


def test_every_notebook_from_01_has_an_exercise_that_checks_code():
    for notebook in exercises.NOTEBOOKS:
        assert any(i.startswith(notebook + ".") for i in FUNCTIONS), notebook


def test_ids_name_their_notebook_and_functions_their_stub():
    for exercise_id, exercise in EXERCISES.items():
        assert re.fullmatch(r"\d\d\.[a-z0-9_]+", exercise_id)
        if isinstance(exercise, Function):
            assert exercise_id.split(".")[1] == exercise.name
        assert len(exercise.hints) >= 2, exercise_id


def test_every_exercise_has_a_solution(solutions):
    assert set(solutions) == set(EXERCISES)


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_solution_is_accepted(exercise_id, solutions, capsys):
    check(exercise_id, solutions[exercise_id])
    out, err = capsys.readouterr()
    assert out.startswith(f"{exercise_id}: Right!") and err == ""


# --- unfinished work ---


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_unanswered_cell_says_not_attempted_and_nothing_else(exercise_id, capsys):
    for placeholder in (None, ...):
        check(exercise_id, placeholder)
        out, err = capsys.readouterr()
        assert out.startswith(f"{exercise_id}: Not attempted yet") and err == ""
        assert out.count("\n") == 1
        assert not any(h in out for h in EXERCISES[exercise_id].hints)


STUB_BODIES = (
    "...",
    '"""What it should do."""\n    ...  # your code here',
    "pass",  # (an explicit `return None` is written code: test_exercise_slips.py)
    "raise NotImplementedError",
    'raise NotImplementedError("write me")',
)


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
@pytest.mark.parametrize("body", STUB_BODIES)
def test_stub_says_not_attempted(exercise_id, body):
    exercise = EXERCISES[exercise_id]
    namespace = {}
    exec(f"def {exercise.signature}:\n    {body}\n", namespace)
    verdict = feedback(exercise_id, namespace[exercise.name])
    assert verdict.status == NOT_ATTEMPTED, verdict.message
    assert verdict.message.startswith("Not attempted yet")


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_half_written_function_without_return(exercise_id):
    def half_written(*arguments):
        first = arguments[0]  # noqa: F841 - a start, and no return yet

    verdict = feedback(exercise_id, half_written)
    assert verdict.status == NOT_ATTEMPTED
    assert "returns None" in verdict.message and "return" in verdict.message


# --- errors in the student's code: one short message, no traceback ---


def raises_inside(*arguments):
    table = {"w": 1}
    return table["weights"]  # the line the message should show


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_exception_in_student_code_gets_a_short_message(exercise_id, capsys):
    check(exercise_id, raises_inside)
    out, err = capsys.readouterr()
    assert err == "" and "Traceback" not in out
    assert "raised KeyError: 'weights'" in out
    assert "at line" in out and 'return table["weights"]' in out
    assert out.count("\n") <= 6


def test_wrong_number_of_arguments():
    def backprop(net, X):
        return net.backprop(X, X)

    verdict = feedback("05.backprop", backprop)
    assert verdict.status != RIGHT and "keep the first line of the stub" in verdict.message


def test_result_of_the_function_instead_of_the_function():
    verdict = feedback("04.one_hot_targets", np.eye(10))
    assert "your function itself" in verdict.message and "no parentheses" in verdict.message


def test_prints_and_warnings_of_student_code_stay_out_of_the_way(capsys):
    def decode_bits(outputs):
        print("debugging", outputs.shape)
        np.exp(np.array([1000.0]))  # overflows: numpy would warn on stderr
        return np.zeros(len(outputs), dtype=int)

    check("08.decode_bits", decode_bits)
    out, err = capsys.readouterr()
    assert err == "" and "debugging" not in out
    assert "printed 5 lines while it was checked" in out


def test_right_answer_that_mutates_its_input_is_not_right():
    def one_hot_targets(labels):
        labels[:] = np.sort(labels)  # looks harmless; the caller's labels are now sorted
        Y = np.zeros((len(labels), 10))
        Y[np.arange(len(labels)), labels] = 1
        return Y

    verdict = feedback("04.one_hot_targets", one_hot_targets)
    assert not verdict.right and "changed its argument labels" in verdict.message


def test_unfamiliar_wrong_function_gets_the_first_difference():
    def segmentation_score(outputs):
        return 0.0

    verdict = feedback("09.segmentation_score", segmentation_score)
    assert verdict.status == "wrong"
    assert "your result is 0 where" in verdict.message and "outputs = an array" in verdict.message
    assert 'hint("09.segmentation_score")' in verdict.message


# --- values: exact where exact, the precision asked for, near misses rejected ---


def expected(exercise_id):
    return np.asarray(EXERCISES[exercise_id].expected(), dtype=float)


@pytest.mark.parametrize("exercise_id", VALUES)
def test_near_misses_of_values_are_rejected(exercise_id, mnist):
    exercise, right = EXERCISES[exercise_id], expected(exercise_id)
    misses = [right * 1.01, right * 0.99]
    whole = np.all(right == np.round(right))
    if whole:
        misses += [right + 1, right - 1]
    for k in range(right.size):  # one component off, for answers of several numbers
        for delta in (0.01 * max(abs(right.flat[k]), 1), 1):
            miss = right.copy()
            miss.flat[k] += delta
            misses.append(miss)
    for miss in misses:
        if np.array_equal(miss, right):
            continue
        verdict = feedback(exercise_id, miss if miss.shape else float(miss))
        assert not verdict.right, (exercise_id, miss)
    if whole and exercise.digits is None and exercise.decimals is None:
        assert feedback(exercise_id, right.astype(int).tolist()).right


@pytest.mark.parametrize("exercise_id", VALUES)
def test_typical_wrong_values_get_their_message(exercise_id, mnist):
    exercise = EXERCISES[exercise_id]
    assert exercise.slips
    for slip, why in exercise.slips:
        wrong = np.asarray(slip(), dtype=float)
        assert not np.allclose(wrong, expected(exercise_id)), why
        verdict = feedback(exercise_id, wrong.tolist())
        assert not verdict.right and why in verdict.message


@pytest.mark.parametrize(
    ("exercise_id", "rounded", "coarse"),
    [("03.sigmoid_prime_2", 0.105, 0.1), ("09.string_accuracy", 0.8811, 0.88)],
)
def test_precision_asked_for_is_the_precision_accepted(exercise_id, rounded, coarse):
    assert feedback(exercise_id, rounded).right
    verdict = feedback(exercise_id, coarse)
    assert not verdict.right and "the question asks for" in verdict.message


def test_a_percentage_where_a_fraction_is_asked():
    verdict = feedback("09.string_accuracy", 88.11)
    assert not verdict.right and "as a fraction" in verdict.message


def test_value_answers_in_the_wrong_form():
    assert "2 numbers" in feedback("01.gradient", 3.0).message
    assert "no quotes" in feedback("05.n_parameters", "79,510").message
    assert "not a function" in feedback("01.eta_limit", lambda: 0.5).message


def test_count_must_be_exact(mnist):
    right = int(expected("05.n_parameters"))
    assert feedback("05.n_parameters", right).right
    assert feedback("05.n_parameters", float(right)).right
    for wrong in (right - 1, right + 1, right + 0.5):
        verdict = feedback("05.n_parameters", wrong)
        assert not verdict.right and "Close" not in verdict.message
        assert 'hint("05.n_parameters")' in verdict.message


def test_forgetting_the_output_biases_is_named():
    """79,500 (the 10 output biases forgotten) was accepted within a 1e-3 tolerance."""
    verdict = feedback("05.n_parameters", 79_500)
    assert not verdict.right and "the 10 output neurons have a bias" in verdict.message


def test_eta_limit_asks_for_the_supremum():
    """At the limit itself gradient descent oscillates forever; just below it converges."""
    from lectures_lib import descent
    from lectures_lib.exercises.notebook01 import TWO_X2_Y2_HALF

    limit = float(expected("01.eta_limit"))
    below = descent.gradient_descent(TWO_X2_Y2_HALF, (1.0, 1.0), 0.99 * limit, 3000)
    at = descent.gradient_descent(TWO_X2_Y2_HALF, (1.0, 1.0), limit, 3000)
    above = descent.gradient_descent(TWO_X2_Y2_HALF, (1.0, 1.0), 1.01 * limit, 3000)
    assert below.costs[-1] < 1e-12
    assert abs(at.points[-1, 0]) == 1.0  # x flips sign at every step, forever
    assert above.diverged


def test_a_third_of_the_spread_takes_nine_times_the_mini_batch():
    from lectures_lib import regression

    X, y = regression.make_data(20_000, rng=0)
    start = regression.Params(np.zeros(2), 0.0)
    growth = int(expected("02.batch_growth"))
    spread = {
        m: regression.gradient_spread(X, y, start, m, samples=2000, rng=1) for m in (4, 4 * growth)
    }
    assert spread[4] / spread[4 * growth] == pytest.approx(3, rel=0.1)


def test_z_spread_matches_the_networks_initial_weights():
    from lectures_lib.exercises.notebook07 import N_INPUTS
    from lectures_lib.network import Network

    weights = Network([N_INPUTS, 20_000], rng=0).weights[0]  # 20,000 neurons, 100 inputs each
    z = weights @ np.ones(N_INPUTS)
    assert z.std() == pytest.approx(float(expected("07.z_spread")), rel=0.02)


def test_canvas_of_the_question_is_the_drawing_pads():
    from lectures_lib.exercises.notebook11 import CANVAS
    from lectures_lib.interactive import DigitPad

    assert DigitPad.size == CANVAS


# --- the references of the code exercises, against independent routes ---


def test_stopping_rule_is_the_one_sgd_uses():
    from lectures_lib.exercises.notebook07 import stop_now
    from lectures_lib.network import Network
    from lectures_lib.runs import sgd

    rng = np.random.default_rng(0)
    X, labels = rng.random((200, 4)), rng.integers(0, 2, 200)
    validation = (rng.random((15, 4)), rng.integers(0, 2, 15))
    for patience in (1, 2, 3):
        net = Network([4, 3, 2], rng=1)
        history = sgd(
            net,
            (X, labels),
            40,
            10,
            3.0,
            validation=validation,
            patience=patience,
            rng=2,
            engine="numpy",
        )
        run = history.validation_correct
        assert history.stopped_early, "the setting must make SGD stop early"
        assert [stop_now(run[: k + 1], patience) for k in range(len(run))] == [False] * (
            len(run) - 1
        ) + [True]


def test_neuron_gradients_reference_against_finite_differences():
    from lectures_lib.exercises.notebook03 import _cases, _reference
    from lectures_lib.gradcheck import numerical_gradient
    from lectures_lib.neurons import sigmoid

    for w, b, X, y in _cases(np.random.default_rng(5)):
        dw, db = _reference(w, b, X, y)

        def cost(w_and_b, X=X, y=y):
            return np.mean((sigmoid(X @ w_and_b[:-1] + w_and_b[-1]) - y) ** 2) / 2

        numeric = numerical_gradient(cost, np.append(w, b))
        assert np.allclose(np.append(dw, db), numeric, atol=1e-9)


def test_weight_gradient_sizes_reference_against_finite_differences():
    from lectures_lib.exercises.cases import random_batch, random_network
    from lectures_lib.exercises.notebook10 import weight_gradient_norms
    from lectures_lib.gradcheck import numerical_gradient

    rng = np.random.default_rng(6)
    net = random_network(rng, [5, 4, 3, 2])
    X, Y = random_batch(rng, [5, 4, 3, 2], 7)
    sizes = []
    for layer in range(3):

        def mean_cost(w, layer=layer):
            old, net.weights[layer] = net.weights[layer], w
            try:
                return 0.5 * np.sum((net.feedforward(X) - Y) ** 2) / len(X)
            finally:
                net.weights[layer] = old

        sizes.append(np.sqrt(np.sum(numerical_gradient(mean_cost, net.weights[layer]) ** 2)))
    assert np.allclose(weight_gradient_norms(net, X, Y), sizes, rtol=1e-6)


def test_crop_reference_is_the_crop_of_to_mnist():
    from lectures_lib.exercises.notebook11 import _cases, crop_ink
    from lectures_lib.preprocess import to_mnist

    for (image,) in _cases(np.random.default_rng(7)):
        crop = crop_ink(image)
        assert np.array_equal(to_mnist(crop), to_mnist(image))
        assert crop[0].any() and crop[-1].any() and crop[:, 0].any() and crop[:, -1].any()
        assert crop.sum() == pytest.approx(image.sum(), rel=1e-12)


def test_segmentation_score_reference_is_the_sum_of_log_confidences():
    from lectures_lib.exercises.notebook09 import _library_score

    outputs = np.array([[0.1, 0.9, 0.2], [0.5, 0.25, 0.05]])
    assert _library_score(outputs) == pytest.approx(np.log(0.9) + np.log(0.5))


# --- hints: only when asked, one more each time, never the answer ---


def test_hints_come_one_at_a_time_on_request(capsys):
    hints = EXERCISES["05.backprop"].hints
    check("05.backprop", None)
    assert not any(h in capsys.readouterr().out for h in hints)
    for k, text in enumerate(hints, 1):
        hint("05.backprop")
        assert capsys.readouterr().out == f"05.backprop, hint {k} of {len(hints)}: {text}\n"
    hint("05.backprop")
    out = capsys.readouterr().out
    assert "no more hints" in out and all(h in out for h in hints) and "solutions/" in out


def number_forms(value: float) -> set:
    forms = {f"{value:g}", f"{value:,g}"}
    if value == round(value):
        forms |= {f"{int(value)}", f"{int(value):,}"}
    return {f for f in forms if len(f.strip("-0.")) >= 2}


@pytest.mark.parametrize("exercise_id", VALUES)
def test_hints_do_not_give_the_answer_away(exercise_id, mnist):
    text = " ".join(EXERCISES[exercise_id].hints)
    for value in expected(exercise_id).flat:
        for form in number_forms(float(value)):
            assert not re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d,]|\.\d)", text), form


def test_unknown_exercise_is_a_message_not_an_error(capsys):
    check("01.nothing", 1)
    hint("99.nothing")
    out, err = capsys.readouterr()
    assert "There is no exercise '01.nothing'" in out and "01.eta_limit" in out
    assert "There is no exercise '99.nothing'" in out and err == ""


def test_importing_the_checker_is_light():
    """A notebook's first cells import it: no network, numba or MNIST at import, nor for
    the exercises of notebooks that do not need them."""
    code = (
        "import sys; from lectures_lib.exercises import check, find;"
        "check('01.eta_limit', 0.5); find('02.grad_w2');"
        "print(sorted(m for m in ('lectures_lib.network', 'numba', 'lectures_lib.data')"
        " if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr == "" and result.stdout.endswith("[]\n"), result


def test_notebooks_use_known_exercises():
    """Every check("…") and hint("…") in a notebook names an exercise that exists."""
    used = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            used |= set(re.findall(r'(?:check|hint)\("(\d\d\.\w+)"', "".join(cell["source"])))
    assert used <= set(EXERCISES), sorted(used - set(EXERCISES))


def test_the_exercises_are_packaged():
    """A regular install (Colab's first cell) ships only the packages pyproject lists."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "lectures_lib.exercises" in packages["packages"]


# --- issue 18's checkers and hints ---


def test_a_list_of_strings_is_text():
    verdict = feedback("01.gradient", ["2", "12"])
    assert not verdict.right and "no quotes" in verdict.message


def test_sixty_thousand_over_ten_is_named(mnist):
    verdict = feedback("05.steps", 60_000 // 10)
    assert "50,000" in verdict.message and "validation" in verdict.message


def test_four_decimals_given_but_rounded_wrong_is_told_so():
    verdict = feedback("09.string_accuracy", 0.8812)
    assert not verdict.right and "decimal places" not in verdict.message
    assert "Round only at the end" in verdict.message


def test_an_exact_fraction_rounded_to_three_digits_is_right():
    from lectures_lib.exercises import find

    exact = float(find("10.sigma_prime_bound").expected())
    assert feedback("10.sigma_prime_bound", round(exact, 4)).right  # 0.0156
    assert not feedback("10.sigma_prime_bound", round(exact, 3)).right  # 0.016: 2 digits


def test_eye_of_the_number_of_labels_gets_its_own_advice():
    verdict = feedback("04.one_hot_targets", lambda labels: np.eye(len(labels))[labels])
    assert "np.eye(10)" in verdict.message and "column 10 or more" not in verdict.message


def test_a_function_that_never_returns_is_stopped():
    import time

    def forever(f, v, h):
        while True:
            pass

    start = time.perf_counter()
    verdict = feedback("01.central_differences", forever)
    assert time.perf_counter() - start < 10
    assert verdict.status == "error" and "Stopped" in verdict.message


def test_a_refused_method_is_back_in_place_after_the_check():
    from lectures_lib import encoding
    from lectures_lib.network import Network

    backprop, decode = Network.backprop, encoding.decode_nearest
    feedback("05.backprop", lambda net, X, Y: Network.backprop(net, X, Y))
    feedback("08.decode_bits", lambda outputs: encoding.decode_nearest(outputs))
    assert Network.backprop is backprop and encoding.decode_nearest is decode


def _section_text(notebook: str, title: str) -> str | None:
    """The markdown and code of the section "## N. title" of a notebook, or None."""
    import nbformat

    [path] = (ROOT / "notebooks").glob(f"{notebook}_*.ipynb")
    inside, text = False, []
    for cell in nbformat.read(path, as_version=4).cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else ():
            if line.startswith("## "):
                inside = line[3:].split(". ", 1)[-1].strip() == title
        if inside:
            text.append(cell.source)
    return "\n".join(text) if text else None


def test_every_section_a_hint_names_exists_and_shows_what_the_hint_says():
    from lectures_lib.exercises import all_exercises
    from lectures_lib.exercises.checking import REFERENCES
    from lectures_lib.exercises.headings import SECTIONS

    all_exercises()  # every exercise module imported, so every hint's reference recorded
    assert len(REFERENCES) >= 13
    for notebook, title, shows in REFERENCES:
        assert title in SECTIONS[notebook], (notebook, title, "not a heading: make clean-notebooks")
        text = _section_text(notebook, title)
        assert text is not None and shows in text, (notebook, title, shows)
