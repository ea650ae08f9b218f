"""A course from the series, end to end: publish a clone, release the student copy, fill in
submissions (worked solutions, typical slips, every cheat), grade them with `make grade`
(Otter's `otter run`: no Docker, no network) and read the CSV.

The grading test needs Otter (`pip install -e ".[course]"`, `make setup-course`); it is
slow (each submission is a notebook run by Otter), so `make test` skips it and CI runs it
as a step of its own:
`make setup-course && LECTURES_COURSE_TEST=1 .venv/bin/python -m pytest tests/test_course.py`.
"""

from __future__ import annotations

import csv
import importlib.util
import inspect
import json
import os
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lectures_lib import course

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from test_platform import run_cells  # noqa: E402 - shared with the platform tests

sys.path.pop(0)

OTTER = importlib.util.find_spec("otter") is not None


def clone(folder: Path) -> Path:
    """The files git tracks (or would track) in this working tree, copied to ``folder``."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    for name in listed:
        if name and "node_modules/" not in name and (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A clone, first tidied as it comes (not published), then published to a placeholder."""
    folder = clone(tmp_path_factory.mktemp("clone"))
    subprocess.run([sys.executable, "tools/tidy_notebooks.py"], cwd=folder, check=True)
    return folder


def texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((folder / "notebooks").glob("*.ipynb"))}


def test_publish_writes_every_link_once(published, tmp_path):
    before = texts(published)
    assert not any("colab.research.google.com" in t or "mybinder" in t for t in before.values())
    assert "make publish REPO=OWNER/REPOSITORY" in before["00_start_here.ipynb"]
    changed = course.publish("a-course/gradient-descent", root=published)
    assert "pyproject.toml" in changed and len(changed) == 1 + len(before)
    assert (
        'Repository = "https://github.com/a-course/gradient-descent"'
        in (published / "pyproject.toml").read_text()
    )
    for name, text in texts(published).items():
        nb = nbformat.reads(text, as_version=4)
        top = nb.cells[0].source
        assert f"github/a-course/gradient-descent/blob/main/notebooks/{name}" in top, name
        assert "mybinder.org/v2/gh/a-course/gradient-descent/main" in top, name
        setup = next(c.source for c in nb.cells if c.cell_type == "code")
        assert "a-course/gradient-descent/archive/main.zip" in setup, name
        assert "YOUR-ACCOUNT" not in text and "REPO=OWNER/REPOSITORY" not in text, name
    assert course.publish("a-course/gradient-descent", root=published) == []  # idempotent


def test_publish_refuses_what_is_no_repository(published):
    with pytest.raises(SystemExit, match="OWNER/REPOSITORY"):
        course.publish("https://gitlab.com/x", root=published)


def _exercise_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and course.CHECK.search(c.source)]


def test_release_writes_the_student_copy(published, tmp_path):
    # an instructor's copy with an answered exercise: the release takes the answer out
    nb_path = published / "notebooks" / "01_gradient_descent_2d.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    cells = _exercise_cells(nb)
    cells[0].source = cells[0].source.replace("answer = ...", "answer = (2, 12)")
    cells[-1].source = cells[-1].source.replace("    ...  # your code here", "    return v")
    cells[-1].outputs = [nbformat.v4.new_output("stream", text="01.central_differences: …")]
    nbformat.write(nb, nb_path)
    student = course.release(tmp_path / "student", root=published)
    assert not (student / "solutions").exists() and not (student / "tests").exists()
    assert "Handing in" in (student / "README.md").read_text()
    sources = []
    for path in sorted((student / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        for cell in _exercise_cells(nb):
            assert "answer = ..." in cell.source or "...  # your code here" in cell.source
            sources.append(cell.source)
    assert not any("(2, 12)" in s or "return v" in s for s in sources)
    with pytest.raises(SystemExit, match="not empty"):
        course.release(student, root=published)


def test_the_student_copy_runs_and_nothing_is_attempted_yet(published, tmp_path):
    """The setup cell and every exercise cell of every notebook of the student copy, in a
    real kernel with the copy's own package: each check says "not attempted yet"."""
    student = course.release(tmp_path / "student", root=published)
    cells, expected = [], 0
    for path in sorted((student / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        exercise = [c.source for c in _exercise_cells(nb)]
        cells += [code[0], *exercise]
        expected += len(exercise)
    env = {**os.environ, "PYTHONPATH": str(student)}
    env.pop("LECTURES_MNIST_MIRROR", None)
    results = run_cells(Path(sys.executable), cells, student / "notebooks", env)
    errors = [(text, error) for text, error in results if error]
    assert errors == []
    said = "".join(text for text, _ in results)
    assert said.count("Not attempted yet") == expected >= 20, said


# --- grading: three kinds of submission -----------------------------------------------------


def _source(function) -> str:
    return inspect.getsource(function)


def fill(student_copy: Path, notebook: str, answers: dict[str, str], destination: Path) -> Path:
    """The student copy's notebook, with each exercise cell's answer replaced by ``answers``
    (source that sets ``answer`` or defines the function), the check line kept. For speed
    only the setup and import cells and the exercises are kept (the graded part)."""
    [path] = (student_copy / "notebooks").glob(f"{notebook}_*.ipynb")
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    kept = code[:2]  # the setup cell and the notebook's imports
    for cell in _exercise_cells(nb):
        exercise_id = course.CHECK.search(cell.source)[1]
        if exercise_id in answers:
            check = cell.source[cell.source.index("check(") :]
            cell.source = (
                "from lectures_lib.exercises import check, hint  # noqa: F401\n\n"
                f"{answers[exercise_id]}\n\n\n{check}"
            )
        kept.append(cell)
    nb.cells = kept
    destination.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, destination)
    return destination


def _solutions(notebook: str) -> dict[str, str]:
    module = importlib.import_module(f"solutions.notebook{notebook}")
    answers = {}
    for exercise_id, answer in module.SOLUTIONS.items():
        if callable(answer):
            answers[exercise_id] = (
                "import numpy as np\n"
                "from lectures_lib.neurons import sigmoid, sigmoid_prime\n\n\n" + _source(answer)
            )
        else:
            answers[exercise_id] = f"answer = {answer!r}"
    return answers


WRONG = {
    "01.gradient": "answer = (-2, -12)",  # a sign slip: −∇C
    "01.eta_limit": "answer = 0.5",
    "05.n_parameters": "answer = 79510",
    "05.steps": "answer = 5000",
    "05.quadratic_cost": '''\
import numpy as np


def quadratic_cost(net, X, Y):
    """A missing 1/m: the sum over the examples, halved."""
    return np.sum((Y - net.feedforward(X)) ** 2) / 2''',
    "05.backprop": '''\
from lectures_lib.neurons import sigmoid, sigmoid_prime


def backprop(net, X, Y):
    """Transposed weights' gradients: A.T @ delta instead of delta.T @ A."""
    activations, zs = [X], []
    for w, b in zip(net.weights, net.biases):
        zs.append(activations[-1] @ w.T + b)
        activations.append(sigmoid(zs[-1]))
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [None] * len(zs), [None] * len(zs)
    for layer in reversed(range(len(zs))):
        nabla_w[layer] = activations[layer].T @ delta
        nabla_b[layer] = delta.sum(axis=0)
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b''',
}


def _memorised() -> str:
    """central_differences that returns, in turn, the results check's fixed inputs expect."""
    from lectures_lib.exercises import find

    exercise = find("01.central_differences")
    cases = exercise.cases(np.random.default_rng(zlib.crc32(exercise.id.encode())))
    outputs = [exercise.reference(*case).tolist() for case in cases]
    return f'''\
import numpy as np

OUTPUTS = {json.dumps(outputs)}
calls = []


def central_differences(f, v, h):
    """Memorised: the outputs check expects, in the order check asks."""
    calls.append(1)
    return np.array(OUTPUTS[(len(calls) - 1) % len(OUTPUTS)])'''


CHEATS = {
    "cy": {
        "01.central_differences": '''\
import inspect

import numpy as np


def central_differences(f, v, h):
    """Reads the expected result from the checker's frames."""
    frame = inspect.currentframe().f_back
    while frame is not None:
        if "expected" in frame.f_locals:
            found = frame.f_locals["expected"]
            for e in found if isinstance(found, list) else [found]:
                if np.shape(e) == np.shape(v):
                    return e
        frame = frame.f_back
    return np.zeros(len(v))''',
        "05.backprop": '''\
from lectures_lib.network import Network


def backprop(net, X, Y):
    """The library's own method, called on the class."""
    return Network.backprop(net, X, Y)''',
        "05.quadratic_cost": '''\
import numpy as np


def quadratic_cost(net, X, Y):
    """Makes every comparison succeed."""
    np.allclose = lambda *arguments, **keywords: True
    return 0.0''',
    },
    "dee": {
        "05.backprop": '''\
def backprop(net, X, Y):
    """The library's own method, reached through the instance's class."""
    return type(net).backprop(net, X, Y)''',
        "05.quadratic_cost": '''\
def quadratic_cost(net, X, Y):
    """Never returns."""
    while True:
        pass''',
    },
}


@pytest.mark.main_job
@pytest.mark.skipif(
    os.environ.get("LECTURES_COURSE_TEST") != "1",
    reason="slow (Otter runs 8 notebooks): CI runs it as a step of its own, "
    "make setup-course && LECTURES_COURSE_TEST=1 .venv/bin/python -m pytest tests/test_course.py",
)
def test_make_grade_gives_full_partial_and_zero_marks(published, tmp_path):
    if not OTTER:
        pytest.fail('grading needs Otter: make setup-course (pip install -e ".[course]")')
    student = course.release(tmp_path / "student", root=published)
    submissions = tmp_path / "submissions"
    right_cd = {"01.central_differences": _solutions("01")["01.central_differences"]}
    for notebook in ("01", "05"):
        fill(student, notebook, _solutions(notebook), submissions / "ada" / f"{notebook}.ipynb")
        fill(student, notebook, {**WRONG, **right_cd}, submissions / "ben" / f"{notebook}.ipynb")
    cheats = {**CHEATS, "dee": {**CHEATS["dee"], "01.central_differences": _memorised()}}
    for name, answers in cheats.items():
        for notebook in ("01", "05"):
            fill(student, notebook, answers, submissions / name / f"{notebook}.ipynb")
    grades = tmp_path / "grades.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bin_dir = Path(sys.executable).parent
    venv = bin_dir.parent
    start = time.perf_counter()
    made = subprocess.run(
        _loopback_only(["make", "--no-print-directory", "grade", f"SUBMISSIONS={submissions}",
                        f"GRADES={grades}", f"VENV={venv}", f"BIN={bin_dir}",
                        f"--assume-old={venv}/.installed-lab"]),  # this environment as it is
        cwd=ROOT, env=_offline(env), capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    took = time.perf_counter() - start
    assert made.returncode == 0, made.stdout + made.stderr
    rows, reasons = _read(grades), _read(_messages(grades))
    exercises = course.exercises_of("01") + course.exercises_of("05")
    assert list(rows["ada"]) == ["student", *exercises, "total"]
    assert {e: float(rows["ada"][e]) for e in exercises} == dict.fromkeys(exercises, 1.0)
    assert float(rows["ada"]["total"]) == len(exercises)
    slipped = {"01.gradient", "05.quadratic_cost", "05.backprop"}
    assert {e for e in exercises if float(rows["ben"][e]) == 0} == slipped
    assert float(rows["ben"]["total"]) == len(exercises) - len(slipped)
    assert "−∇C" in reasons["ben"]["01.gradient"]
    assert "transposed" in reasons["ben"]["05.backprop"]
    assert (
        "1/2" in reasons["ben"]["05.quadratic_cost"]
        or "average" in reasons["ben"]["05.quadratic_cost"]
    )
    for name in cheats:
        assert float(rows[name]["total"]) == 0, (name, rows[name], reasons[name])
    assert "Not accepted" in reasons["cy"]["05.backprop"]
    assert "Not accepted" in reasons["dee"]["05.backprop"]
    assert "Stopped" in reasons["dee"]["05.quadratic_cost"]
    print(f"graded {len(rows)} students, 2 notebooks each, in {took:.0f} s")
    print(grades.read_text(), _messages(grades).read_text(), sep="\n")


def _read(path: Path) -> dict[str, dict]:
    with path.open(newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def _messages(grades: Path) -> Path:
    return grades.with_name(grades.stem + "-messages.csv")


def _loopback_only(command: list[str]) -> list[str]:
    """``command`` in a network namespace of its own with only the loopback interface up
    (Otter's kernels talk to it over 127.0.0.1), where this machine allows; else as is."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"])
        if probe.returncode == 0:
            script = 'ip link set lo up && exec "$@"'
            return ["unshare", "-n", "sh", "-c", script, "sh", *command]
    return command


def _offline(env: dict) -> dict:
    """No network for the grading: proxies that lead nowhere (Otter must not need one)."""
    dead = "http://127.0.0.1:9"
    return {**env, "http_proxy": dead, "https_proxy": dead, "HTTP_PROXY": dead,
            "HTTPS_PROXY": dead, "PIP_NO_INDEX": "1"}  # fmt: skip


def test_the_grading_seed_is_in_no_copy_given_to_students(published, tmp_path):
    """The autograder's tests hold the grading seed; the student copy holds neither."""
    folder = tmp_path / "course"
    folder.mkdir()
    seed = course._grading_seed(folder)
    assert course._grading_seed(folder) == seed  # drawn once, then kept
    student = course.release(tmp_path / "student", root=published)
    assert not (student / "build").exists()
    text = "\n".join(p.read_text(errors="replace") for p in student.rglob("*.py"))
    assert str(seed) not in text and "seed=" not in course.STUDENT_README
    assert "seed={seed}" in course.TEST_FILE


# --- the graded check alone, without Otter: each cheat against the judge and its worker ------


def reads_the_callers_frames(f, v, h):
    frame = inspect.currentframe().f_back
    while frame is not None:
        for name in ("expected", "reference", "result"):
            found = frame.f_locals.get(name)
            if isinstance(found, list) and found and np.shape(found[0]) == np.shape(v):
                return found[0]
        frame = frame.f_back
    return np.zeros(len(v))


def patches_allclose(f, v, h):
    np.allclose = lambda *arguments, **keywords: True
    np.array_equal = lambda *arguments, **keywords: True
    return np.zeros(len(v))


def never_returns(f, v, h):
    while True:
        pass


def central_differences(f, v, h):
    v = np.array(v, dtype=float)
    return np.array([(f(v + h * e) - f(v - h * e)) / (2 * h) for e in np.eye(len(v))])


def backprop_of_the_class(net, X, Y):
    from lectures_lib.network import Network

    return Network.backprop(net, X, Y)


def backprop_of_the_instance(net, X, Y):
    return type(net).backprop(net, X, Y)


def batch_gradients(w, b, X, y):
    from lectures_lib import regression  # the library's own answer

    return regression.gradients(regression.Params(w, b), X, y)


def quadratic_cost(net, X, Y):
    return str(np.sum((Y - net.feedforward(X)) ** 2) / (2 * len(X)))  # text, not a number


def test_the_graded_check_resists_each_cheat(monkeypatch):
    """What ``check`` in the notebook may be fooled by, the graded check is not: each answer
    is judged in processes of their own, on inputs of the grading seed."""
    from lectures_lib import exercises
    from lectures_lib.exercises.grading import WORKER_SECONDS, graded

    def grade(exercise_id, function):
        monkeypatch.setitem(exercises._checked, exercise_id, function)
        return graded(exercise_id, {}, seed=20271)

    assert grade("01.central_differences", central_differences).right
    for cheat in (reads_the_callers_frames, patches_allclose):
        verdict = grade("01.central_differences", cheat)
        assert not verdict.right and "Not yet" in verdict.message, (cheat.__name__, verdict)
    for cheat in (backprop_of_the_class, backprop_of_the_instance):
        verdict = grade("05.backprop", cheat)
        assert verdict.message.startswith("Not accepted: backprop calls Network.backprop")
    verdict = grade("02.batch_gradients", batch_gradients)
    assert verdict.message.startswith("Not accepted: batch_gradients calls regression.gradients")
    verdict = grade("05.quadratic_cost", quadratic_cost)
    assert not verdict.right and "text" in verdict.message, verdict
    start = time.perf_counter()
    verdict = grade("01.central_differences", never_returns)
    assert verdict.status == "error" and "Stopped" in verdict.message
    assert time.perf_counter() - start < WORKER_SECONDS + 30
    assert np.allclose(np.zeros(2), np.ones(2)) is False  # nothing leaked into this process


def test_memorised_outputs_fail_the_graded_check(monkeypatch):
    from lectures_lib import exercises
    from lectures_lib.exercises import feedback
    from lectures_lib.exercises.grading import graded

    namespace = {}
    exec(compile(_memorised(), str(ROOT / "memorised.py"), "exec"), namespace)
    memorised = namespace["central_differences"]
    assert feedback("01.central_differences", memorised).right  # check is fooled
    monkeypatch.setattr(
        "lectures_lib.exercises.grading.program", lambda function: _memorised()
    )  # the source, as a notebook cell would hold it
    monkeypatch.setitem(exercises._checked, "01.central_differences", memorised)
    assert not graded("01.central_differences", {}, seed=20271).right
