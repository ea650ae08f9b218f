"""Running a course from the series: publish it, release a student copy, grade with Otter.

    python -m lectures_lib.course publish OWNER/REPOSITORY[@BRANCH]   # links, Colab install
    python -m lectures_lib.course release DIR                       # the student copy
    python -m lectures_lib.course autograder                        # Otter zips, build/course
    python -m lectures_lib.course grade SUBMISSIONS [--csv FILE]    # one CSV of grades

(``make publish REPO=…`` and ``make grade SUBMISSIONS=…`` run the same; COURSE.md says
when to use which.) Grading needs Otter-Grader, which students never install:
``pip install -e ".[course]"``. It runs ``otter run`` on each submitted notebook, with no
Docker and no network; every exercise is one Otter question whose test asks the project's
graded check (lectures_lib.exercises.grading) for its verdict.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path("build") / "course"
REPOSITORY_LINE = re.compile(r'^Repository = ".*"$', re.MULTILINE)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}(@[\w./-]+)?")
CHECK = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")


# --- publish -----------------------------------------------------------------------------------


def publish(repository: str, root: Path = ROOT) -> list[str]:
    """Set [project.urls] Repository to github.com/OWNER/NAME (``OWNER/NAME@BRANCH`` for a
    branch other than main) and regenerate every notebook's links and setup cell with
    tools/tidy_notebooks.py. Returns what changed (nothing on a second run)."""
    if not NAME.fullmatch(repository):
        raise SystemExit(
            f"{repository!r} is not a GitHub repository: give OWNER/REPOSITORY "
            "(or OWNER/REPOSITORY@BRANCH), e.g. python -m lectures_lib publish my-course/gd"
        )
    name, _, branch = repository.partition("@")
    url = f"https://github.com/{name}" + (f"/tree/{branch}" if branch else "")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    if not REPOSITORY_LINE.search(text):
        raise SystemExit(f"{pyproject} has no [project.urls] Repository line to set.")
    changed = []
    new = REPOSITORY_LINE.sub(f'Repository = "{url}"', text, count=1)
    if new != text:
        pyproject.write_text(new)
        changed.append("pyproject.toml")
    before = {p.name: p.read_bytes() for p in (root / "notebooks").glob("*.ipynb")}
    subprocess.run(
        [sys.executable, str(root / "tools" / "tidy_notebooks.py")], cwd=root, check=True
    )
    changed += [
        f"notebooks/{p.name}"
        for p in sorted((root / "notebooks").glob("*.ipynb"))
        if before.get(p.name) != p.read_bytes()
    ]
    return changed


# --- release -----------------------------------------------------------------------------------

STUDENT_FILES = ("lectures_lib", "notebooks", "pyproject.toml", "LICENSE", "Makefile")

STUDENT_README = """\
# Gradient descent, from a rolling ball to handwritten digits

Your copy of the notebook series: `notebooks/00_start_here.ipynb` is the place to start.

## Open it

- **On your machine** (Python 3.10 or newer): `make lab` sets everything up (a `.venv`,
  the series' package `lectures_lib`, MNIST) and opens JupyterLab. Without `make`:

      python -m venv .venv
      .venv/bin/python -m pip install -e ".[lab]"     (Windows: .venv\\Scripts\\python)
      .venv/bin/python -m lectures_lib lab

- **In Google Colab**: use the "Open in Colab" link at the top of each notebook (if your
  instructor published the series); its first cell installs what it needs.

## The exercises

Each notebook from 01 on ends with exercises. Put your answer in place of `...` and run
the cell: `check(...)` says at once whether it is right, and if not, what the likely slip
is; `hint("05.backprop")` gives a hint, one more each time you ask.

`check` is there to help you learn. Your grade comes from the same exercises, checked
again by your instructor on other inputs, with your function run on its own: answers
that only satisfy `check` (outputs copied from it, code that looks at the checker or
calls the library's own version of what you are asked to write) score nothing.

## Handing in

Hand in the notebook files (`notebooks/NN_….ipynb`) the way your course says. Save
before you hand in; the notebooks are graded by running them from top to bottom, so
make sure they run in a fresh kernel (Kernel → Restart Kernel and Run All Cells).
"""


def release(destination: Path, root: Path = ROOT) -> Path:
    """Write the student copy to ``destination`` (which must not exist or be empty): the
    package and the notebooks with outputs cleared and every exercise unanswered, no
    solutions/, no tests, and a README for students."""
    import nbformat

    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise SystemExit(f"{destination} is not empty: release writes a fresh copy.")
    destination.mkdir(parents=True, exist_ok=True)
    for name in STUDENT_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(
                source,
                destination / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"),
            )
        elif source.is_file():
            shutil.copy2(source, destination / name)
    (destination / "README.md").write_text(STUDENT_README)
    for path in sorted((destination / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
                cell.source = unanswered(cell.source)
            cell.metadata.pop("execution", None)
        nbformat.write(nb, path)
    return destination


def unanswered(source: str) -> str:
    """An exercise cell (one that calls ``check``) with its answers taken out: every
    top-level ``answer = …`` back to ``answer = ...``, and the body of every function it
    defines back to its docstring and ``...  # your code here``. Other cells as they are."""
    if not CHECK.search(source):
        return source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.split("\n")
    for node in reversed(tree.body):  # from the end: earlier line numbers stay valid
        if isinstance(node, ast.FunctionDef):
            body = node.body
            keep = 1 if body and isinstance(body[0], ast.Expr) and _is_text(body[0]) else 0
            start = body[keep].lineno - 1 if len(body) > keep else None
            if start is not None and not _is_stub(body[keep:]):
                lines[start : node.end_lineno] = ["    ...  # your code here"]
        elif isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["answer"]:
            if not (isinstance(node.value, ast.Constant) and node.value.value is Ellipsis):
                lines[node.lineno - 1 : node.end_lineno] = ["answer = ..."]
    return "\n".join(lines)


def _is_text(expression) -> bool:
    return isinstance(expression.value, ast.Constant) and isinstance(expression.value.value, str)


def _is_stub(body) -> bool:
    return len(body) == 1 and (
        isinstance(body[0], ast.Pass)
        or (isinstance(body[0], ast.Expr) and getattr(body[0].value, "value", None) is Ellipsis)
    )


# --- grade with Otter --------------------------------------------------------------------------

TEST_FILE = '''\
"""Exercise {id}: generated by lectures_lib.course from lectures_lib.exercises; do not edit.
The verdict comes from the project's graded check (lectures_lib.exercises.grading)."""

from otter.test_files import test_case

OK_FORMAT = False

name = "{id}"
points = 1


@test_case(points=1, hidden=False)
def test_{slug}(env):
    from lectures_lib.exercises.grading import graded

    verdict = graded("{id}", env, seed={seed})
    assert verdict.right, verdict.message
'''


def exercises_of(notebook: str) -> list[str]:
    from lectures_lib.exercises import exercises

    return list(exercises(notebook))


def autograder(notebook: str, folder: Path, seed: int) -> Path:
    """Otter's autograder zip for one notebook's exercises (one question each), made with
    ``otter generate`` in ``folder``; the grading seed is in its tests, nowhere else."""
    work = Path(folder) / f"otter-{notebook}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "tests").mkdir(parents=True)
    for exercise_id in exercises_of(notebook):
        slug = exercise_id.replace(".", "_")
        (work / "tests" / f"q{slug}.py").write_text(
            TEST_FILE.format(id=exercise_id, slug=slug, seed=seed)
        )
    (work / "otter_config.json").write_text(json.dumps({"lang": "python"}))
    (work / "requirements.txt").write_text("")
    zip_path = Path(folder) / f"autograder-{notebook}.zip"
    subprocess.run(
        [sys.executable, "-m", "otter", "generate", "-t", "tests", "-o", str(zip_path.resolve()),
         "-c", "otter_config.json", "-r", "requirements.txt"],
        cwd=work, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return zip_path


def which_notebook(path: Path) -> str | None:
    """The notebook ("05") a submitted file is, from the exercises it checks."""
    try:
        cells = json.loads(Path(path).read_text(errors="replace")).get("cells", [])
    except (ValueError, AttributeError):
        return None
    sources = ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code"]
    found = {m[:2] for source in sources for m in CHECK.findall(source)}
    return found.pop() if len(found) == 1 else None


def student_of(path: Path, submissions: Path) -> str:
    """A folder per student (SUBMISSIONS/ada/05_….ipynb), or one file each (ada.ipynb)."""
    relative = Path(path).relative_to(submissions)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def grade_one(submission: Path, zip_path: Path, output: Path, seconds: float = 600) -> dict:
    """Otter's results for one notebook: {exercise id: (points, message)}."""
    output.mkdir(parents=True, exist_ok=True)
    done = None
    try:
        done = subprocess.run(
            [sys.executable, "-m", "otter", "run", "-a", str(zip_path.resolve()),
             "-o", str(output.resolve()), "--no-logo", str(Path(submission).resolve())],
            capture_output=True, text=True, timeout=seconds, cwd=output,
        )  # fmt: skip
        results = json.loads((output / "results.json").read_text())
    except (subprocess.TimeoutExpired, OSError, ValueError) as error:
        said = (done.stderr or done.stdout).strip().splitlines()[-1:] if done else []
        return {"": (0.0, f"not graded: {type(error).__name__} {' '.join(said)}".strip())}
    scores = {}
    for test in results.get("tests", []):
        exercise_id = str(test.get("name", "")).split(" ")[0]
        scores[exercise_id] = (float(test.get("score") or 0), str(test.get("output", "")))
    return scores


def grade(
    submissions: Path, csv_path: Path, folder: Path = BUILD, seed: int | None = None, jobs: int = 2
):
    """Grade every notebook under ``submissions`` (``jobs`` at a time); write one row per
    student, one column per exercise and the total to ``csv_path``, and each answer's
    message beside it (``…-messages.csv``). Returns the rows."""
    from concurrent.futures import ThreadPoolExecutor

    submissions = Path(submissions)
    files = sorted(p for p in submissions.rglob("*.ipynb") if ".ipynb_checkpoints" not in str(p))
    if not files:
        raise SystemExit(f"No notebooks (.ipynb) under {submissions}.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    seed = _grading_seed(folder) if seed is None else seed
    zips, columns, grades, messages, work = {}, [], {}, {}, []
    for path in files:
        notebook, student = which_notebook(path), student_of(path, submissions)
        grades.setdefault(student, {})
        messages.setdefault(student, {})
        if notebook is None:
            messages[student][path.name] = "no exercise of a single notebook found in this file"
            continue
        if notebook not in zips:
            zips[notebook] = autograder(notebook, folder, seed)
            columns += exercises_of(notebook)
        work.append((student, notebook, path))

    def run(item):
        student, notebook, path = item
        with tempfile.TemporaryDirectory() as output:
            return item, grade_one(path, zips[notebook], Path(output))

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        for (student, notebook, _), scores in pool.map(run, work):
            for exercise_id in exercises_of(notebook):
                missing = scores.get("", (0.0, "no result for this exercise"))[1]
                points, message = scores.get(exercise_id, (0.0, missing))
                grades[student][exercise_id] = points
                messages[student][exercise_id] = _reason(message)
    rows = []
    for student in sorted(grades):
        row = {"student": student, **{c: grades[student].get(c, 0.0) for c in columns}}
        row["total"] = sum(grades[student].get(c, 0.0) for c in columns)
        rows.append(row)
    _write_csv(csv_path, ["student", *columns, "total"], rows)
    notes = [{"student": s, **{c: messages[s].get(c, "") for c in columns}} for s in sorted(grades)]
    _write_csv(Path(csv_path).with_name(Path(csv_path).stem + "-messages.csv"),
               ["student", *columns], notes)  # fmt: skip
    return rows


def _reason(output: str) -> str:
    """The checker's message out of Otter's test output (the assertion's text)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for k, line in enumerate(lines):
        if line.startswith("AssertionError:"):
            return " ".join([line.removeprefix("AssertionError:").strip(), *lines[k + 1 :]])
    return "right" if "passed" in output.lower() or not lines else lines[-1]


def _grading_seed(folder: Path) -> int:
    """The course's grading seed: drawn once and kept in build/course (not in any copy
    given to students); the autograder zips carry it in their tests."""
    path = folder / "grading-seed"
    if not path.is_file():
        path.write_text(str(secrets.randbits(63)))
    return int(path.read_text())


def _write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


# --- the command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command == "publish" and len(rest) == 1:
        changed = publish(rest[0])
        print("changed: " + ", ".join(changed) if changed else "already published there")
        return 0
    if command == "release" and len(rest) == 1:
        print(f"the student copy is in {release(Path(rest[0]))}")
        return 0
    if command == "autograder":
        seed = _grading_seed(_made(BUILD))
        for notebook in rest or _notebooks_with_exercises():
            print(autograder(notebook, BUILD, seed))
        return 0
    if command == "grade" and rest:
        csv_path = Path("build/grades.csv")
        if "--csv" in rest:
            k = rest.index("--csv")
            csv_path, rest = Path(rest[k + 1]), rest[:k] + rest[k + 2 :]
        rows = grade(Path(rest[0]), csv_path)
        print(f"{len(rows)} students graded: {csv_path} (messages beside it)")
        return 0
    print(__doc__)
    return 2


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _notebooks_with_exercises() -> list[str]:
    from lectures_lib.exercises import NOTEBOOKS

    return list(NOTEBOOKS)


if __name__ == "__main__":
    sys.exit(main())
