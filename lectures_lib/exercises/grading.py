"""Graded checks: the same exercises as ``check``, judged so that an answer cannot cheat.

``check`` gives instant feedback in the notebook and trusts the student's process. A
grade must not: here the student's function runs in a process of its own (the *worker*),
started by a second process (the *judge*) that never runs student code:

- the judge draws the inputs from a grading seed, which the student's copy does not
  hold, so outputs memorised for ``check``'s inputs are wrong;
- the worker gets the inputs only, never the expected results, so inspecting a caller's
  frame finds nothing; it sends back plain numbers (JSON), never objects;
- the judge compares, so a patched ``np.allclose`` in the student's code changes nothing;
- in the worker, the library method the exercise asks for (``refuse``) is replaced before
  the student's code is run, on the class itself (instance calls go through it too);
- the worker is stopped after a few seconds, and the answer scores zero with the reason.

In the notebook being graded, ``graded(exercise_id, env, seed)`` sends the answer that
``check`` last saw (a value, or the source of a function and what it uses) to the judge
and returns its Feedback. Otter's generated tests call it (lectures_lib.course).

    python -m lectures_lib.exercises.grading judge   < answer.json   # prints the verdict
    python -m lectures_lib.exercises.grading worker  CASES RESULTS   # (the judge runs it)
"""

from __future__ import annotations

import inspect
import io
import json
import linecache
import os
import pickle
import subprocess
import sys
import tempfile
import types
import zlib
from pathlib import Path

import numpy as np

from lectures_lib.exercises import checked_answers, find
from lectures_lib.exercises.checking import (
    ERROR,
    NOT_ATTEMPTED,
    WRONG,
    Feedback,
    Function,
    TooSlow,
    _holds_text,
    refusing,
    time_bound,
    unanswered,
)

WORKER_SECONDS = 20.0  # the worker's whole life: start-up, imports, then every call
CALL_SECONDS = 5.0  # inside the worker, every call of the student's function together


# --- in the student's kernel: what to send ---------------------------------------------------


def graded(exercise_id: str, env: dict, seed: int) -> Feedback:
    """The judge's verdict on the answer to ``exercise_id`` in the notebook's namespace
    ``env``: the answer ``check`` was last given, or else the function of the exercise's
    name."""
    exercise = find(exercise_id)
    if exercise is None:
        return Feedback(ERROR, f"There is no exercise {exercise_id!r}.")
    answers = checked_answers()
    answer = answers.get(exercise_id)
    if isinstance(exercise, Function) and exercise_id not in answers:
        answer = env.get(exercise.name)
    if unanswered(answer):
        return Feedback(NOT_ATTEMPTED, "Not attempted.")
    if isinstance(exercise, Function):
        if not callable(answer):
            return Feedback(WRONG, f"{exercise.name} is not a function.")
        try:
            payload = {"program": program(answer), "name": answer.__name__}
        except (OSError, TypeError) as error:
            return Feedback(ERROR, f"The source of {exercise.name} cannot be read: {error}")
    else:
        try:
            payload = {"value": _plain(answer)}
        except (TypeError, ValueError):
            return Feedback(WRONG, f"The answer {answer!r} is not a number or numbers.")
    payload.update(id=exercise_id, seed=int(seed))
    return judge_in_a_process(payload)


def judge_in_a_process(payload: dict) -> Feedback:
    """Run the judge in a fresh interpreter on ``payload``; its verdict."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lectures_lib.exercises.grading", "judge"],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=WORKER_SECONDS + 60,
            env=_clean_environment(),
        )
        verdict = json.loads(done.stdout.strip().splitlines()[-1])
        return Feedback(verdict["status"], verdict["message"])
    except (subprocess.TimeoutExpired, ValueError, IndexError, KeyError) as error:
        return Feedback(ERROR, f"The judge failed ({type(error).__name__}); grade by hand.")


def _clean_environment() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHONSTARTUP")}


def _plain(value):
    """A value as JSON can hold it: numbers, and lists of them."""
    if _holds_text(value):
        raise TypeError("text")
    array = np.asarray(value, dtype=float)
    return {"shape": list(array.shape), "data": array.ravel().tolist()}


def program(function) -> str:
    """Python source that defines ``function`` again in a fresh interpreter: the imports of
    the modules and library names it uses, the student's own helper functions it calls,
    simple constants, and the function itself."""
    lines, done = [], set()

    def add(f):
        if f.__name__ in done:
            return
        done.add(f.__name__)
        namespace = f.__globals__
        for name in sorted(_names(f.__code__)):
            if name in done or name not in namespace:
                continue
            value = namespace[name]
            if isinstance(value, types.ModuleType):
                lines.append(f"import {value.__name__} as {name}")
            elif _importable(value):
                module, qualname = value.__module__, value.__qualname__
                if "." not in qualname:
                    lines.append(f"from {module} import {qualname} as {name}")
            elif isinstance(value, types.FunctionType):
                add(value)
            elif _literal(value):
                lines.append(f"{name} = {value!r}")
            done.add(name)
        lines.append(inspect.getsource(f))

    add(function)
    return "\n".join(lines)


def _literal(value) -> bool:
    """A constant that its repr writes again: numbers, text, and lists or tuples of them."""
    import ast

    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def _names(code) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


def _importable(value) -> bool:
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if not module or not qualname or module == "__main__" or module.startswith("__"):
        return False
    try:
        owner = sys.modules[module]
        return getattr(owner, qualname.split(".")[0], None) is value
    except KeyError:
        return False


# --- the judge: draws the inputs, runs the worker, compares -----------------------------------


def judge(payload: dict) -> Feedback:
    exercise = find(payload["id"])
    if exercise is None:
        return Feedback(ERROR, f"There is no exercise {payload['id']!r}.")
    if "value" in payload:
        value = payload["value"]
        answer = np.asarray(value["data"], dtype=float).reshape(value["shape"])
        return exercise.feedback(answer if answer.shape else float(answer))
    rng = np.random.default_rng([int(payload["seed"]), zlib.crc32(exercise.id.encode())])
    cases = exercise.cases(rng)
    expected = [exercise._outcome(exercise.reference)(*_copied(a)) for a in cases]
    with tempfile.TemporaryDirectory() as folder:
        inputs, results = Path(folder, "cases.pickle"), Path(folder, "results.json")
        inputs.write_bytes(
            pickle.dumps(
                {
                    "id": exercise.id,
                    "program": payload["program"],
                    "name": payload["name"],
                    "cases": cases,
                }  # fmt: skip
            )
        )
        try:
            subprocess.run(
                [sys.executable, "-m", "lectures_lib.exercises.grading", "worker",
                 str(inputs), str(results)],
                capture_output=True, timeout=WORKER_SECONDS, cwd=folder,
                env=_clean_environment(),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Feedback(
                ERROR,
                f"Stopped: {exercise.name} was still running after {WORKER_SECONDS:g} s "
                "(the test calls take well under a second).",
            )
        if not results.is_file():
            return Feedback(ERROR, f"{exercise.name} ended its process without a result.")
        try:
            outcomes = json.loads(results.read_text())
        except ValueError:
            return Feedback(ERROR, f"{exercise.name} left a result that cannot be read.")
    judged = []
    for arguments, outcome, reference in zip(cases, outcomes, expected):
        if "status" in outcome:
            return Feedback(str(outcome["status"]), str(outcome["message"]))
        judged.append((arguments, _from_json(outcome["result"]), reference))
    if len(judged) != len(cases):
        return Feedback(ERROR, f"{exercise.name} left too few results.")
    return exercise._judge(judged)


def _copied(arguments):
    import copy

    return copy.deepcopy(arguments)


# --- the worker: runs the student's function, sends back numbers ------------------------------


def work(inputs: Path, results: Path) -> None:
    order = pickle.loads(inputs.read_bytes())  # written by the judge: trusted
    exercise = find(order["id"])
    printed = io.StringIO()
    outcomes = []
    with refusing(exercise.refuse) as called:
        namespace = {"__name__": "__main__"}
        source = order["program"]  # readable as source, as in the notebook (inspect, traceback)
        linecache.cache["<your code>"] = (len(source), None, source.splitlines(True), "<your code>")
        try:
            with time_bound(CALL_SECONDS):
                exec(compile(order["program"], "<your code>", "exec"), namespace)  # noqa: S102
            function = namespace[order["name"]]
            with time_bound(CALL_SECONDS):
                for arguments in order["cases"]:
                    outcome = exercise.call(function, arguments, printed)
                    if isinstance(outcome, Feedback):
                        outcomes.append({"status": outcome.status, "message": outcome.message})
                        break
                    outcomes.append({"result": _to_json(outcome[0])})
        except TooSlow:
            outcomes = [{"status": ERROR, "message": exercise._too_slow_message()}]
        except Exception as error:  # noqa: BLE001 - the student's code failed to load
            outcomes = [{"status": ERROR, "message": f"Your code raised {error!r}."}]
    if called:
        outcomes = [{"status": WRONG, "message": _refused(exercise, called)}]
    results.write_text(json.dumps(outcomes))


def _refused(exercise, called) -> str:
    from lectures_lib.exercises.checking import _refused_message

    return _refused_message(exercise.name, called)


def _to_json(value):
    """A result as plain JSON: lists and tuples, arrays of numbers, numbers, booleans."""
    if isinstance(value, (list, tuple)):
        return {"items": [_to_json(v) for v in value], "tuple": isinstance(value, tuple)}
    if isinstance(value, (bool, np.bool_)):
        return {"bool": bool(value)}
    if value is None:
        return {"none": True}
    if _holds_text(value):  # "0.25" is text, not the number 0.25
        return {"text": (value if isinstance(value, str) else repr(value))[:80]}
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return {"other": type(value).__name__}
    return {"shape": list(array.shape), "data": array.ravel().tolist()}


def _from_json(tree):
    if not isinstance(tree, dict):
        return None
    if "items" in tree:
        items = [_from_json(v) for v in tree["items"]]
        return tuple(items) if tree.get("tuple") else items
    if "bool" in tree:
        return bool(tree["bool"])
    if "shape" in tree:
        array = np.asarray(tree["data"], dtype=float).reshape(tree["shape"])
        return array if array.shape else float(array)
    if "text" in tree:
        return str(tree["text"])  # judged as text: never equal to a number
    return None


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["judge"]:
        verdict = judge(json.loads(sys.stdin.read()))
        print(json.dumps({"status": verdict.status, "message": verdict.message}))
        return 0
    if args[:1] == ["worker"] and len(args) == 3:
        work(Path(args[1]), Path(args[2]))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
