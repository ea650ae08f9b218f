"""How an exercise is checked.

A *value* (a number, or a few numbers) is compared with the answer computed from
``lectures_lib``, to the precision the question asks for.  A *function* you wrote is
called on a few random inputs (the same ones every time: the generator is seeded) and
its results are compared with what ``lectures_lib`` computes for the same inputs.

When an answer is wrong, the checker tries the typical slips it knows for that exercise
(a wrong sign, a missing 1/m, σ′ forgotten, ...): each slip is a small model of what the
wrong answer would be, and if yours matches one on every input, its message tells you
what went wrong.  Otherwise it shows the first input where your result differs.
"""

from __future__ import annotations

import contextlib
import copy
import dis
import inspect
import io
import traceback
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RIGHT, WRONG, NOT_ATTEMPTED, ERROR = "right", "wrong", "not attempted", "error"
UNKNOWN = "unknown"  # no exercise has the id asked for


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: a status (one of the names above) and a message."""

    status: str
    message: str

    @property
    def right(self) -> bool:
        return self.status == RIGHT


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """An exercise: its id ("05.backprop") and its hints, mildest first."""

    id: str
    hints: tuple[str, ...]

    def feedback(self, answer) -> Feedback:
        raise NotImplementedError


def unanswered(answer) -> bool:
    """True for the placeholders a notebook cell starts with: ``...`` and ``None``."""
    return answer is None or answer is Ellipsis


REFERENCES: list[tuple[str, str, str]] = []  # (notebook, section title, a phrase in it)


def section(notebook: str, title: str, shows: str) -> str:
    """ "Notebook 03, section 2, “σ and its derivative”": the section's number comes from the
    notebook's headings (headings.py, generated); ``shows`` is a phrase of the section that
    the hint points at (tests/test_exercises.py checks that it is there)."""
    from lectures_lib.exercises.headings import SECTIONS

    REFERENCES.append((notebook, title, shows))
    titles = SECTIONS.get(notebook, ())
    number = f"section {titles.index(title) + 1}" if title in titles else "the section"
    return f"Notebook {notebook}, {number}, “{title}”"


def ask_for_hint(exercise_id: str) -> str:
    return f'Stuck? hint("{exercise_id}") gives a hint.'


# --- values -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Value(Exercise):
    """An exercise answered by a value.

    expected: computes the answer from lectures_lib (when first needed, never at import).
    digits / decimals: the precision the question asks for ("to 3 significant digits",
    "to two decimal places"); with neither, the answer is exact (a count, or a number
    such as 0.5 that the question determines exactly).
    slips: (a function computing a typical wrong answer, what went wrong).
    count: the answer is a count (of images, parameters, steps), so one too many or too
    few is a counting slip.
    """

    expected: Callable[[], object]
    digits: int | None = None
    decimals: int | None = None
    slips: tuple[tuple[Callable[[], object], str], ...] = ()
    count: bool = False

    def tolerance(self, expected: np.ndarray) -> np.ndarray:
        """Half a unit in the last place asked for; for exact answers, rounding only."""
        size = np.maximum(np.abs(expected), 1e-300)
        if self.digits is not None:
            return 0.5 * 10.0 ** (np.floor(np.log10(size)) - self.digits + 1)
        if self.decimals is not None:
            return np.full(expected.shape, 0.5 * 10.0**-self.decimals)
        return 1e-9 * np.maximum(size, 1.0)

    def precision(self) -> str:
        """The precision asked for, as a sentence for near misses."""
        if self.digits is not None:
            return f"the question asks for {self.digits} significant digits"
        if self.decimals is not None:
            return f"the question asks for {self.decimals} decimal places"
        return "this answer is exact, with nothing to round"

    def feedback(self, answer) -> Feedback:
        if unanswered(answer):
            return Feedback(
                NOT_ATTEMPTED,
                "Not attempted yet: put your answer in place of `...` and run this cell again.",
            )
        expected = np.asarray(self.expected(), dtype=float)
        form = _form(expected.shape)
        if callable(answer):
            return Feedback(WRONG, f"This exercise asks for {form}, not a function.")
        if isinstance(answer, str) or _holds_text(answer):
            return Feedback(WRONG, f"Your answer is text, {answer!r}: write {form}, no quotes.")
        try:
            given = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return Feedback(WRONG, f"The answer should be {form}.")
        tolerance = self.tolerance(expected)
        if given.shape == expected.shape and _within(given, expected, tolerance):
            note = (
                "" if self.digits is None and self.decimals is None else _more_precisely(expected)
            )
            return Feedback(RIGHT, "Right!" + note)
        if given.shape == expected.shape and self._rounded_exact(answer, given, expected):
            return Feedback(RIGHT, "Right!" + _more_precisely(expected))
        for slip, why in self.slips:
            wrong = np.asarray(slip(), dtype=float)
            if wrong.shape == given.shape and _within(given, wrong, self.tolerance(wrong)):
                return Feedback(WRONG, f"Not yet: {why}.")
        if given.shape != expected.shape:
            if expected.shape == () and given.size == 1:
                return Feedback(
                    WRONG,
                    "The answer should be one number; yours is a list (or tuple) holding one "
                    "number: write the number alone, without brackets or a trailing comma.",
                )
            return Feedback(WRONG, f"The answer should be {form}; yours is {_form(given.shape)}.")
        if expected.shape == () and 0 < abs(expected) <= 1:
            if _within(given, 100 * expected, 100 * tolerance):
                return Feedback(
                    WRONG, "That is a percentage: give the answer as a fraction (50% is 0.5)."
                )
        exact = self.digits is None and self.decimals is None
        if exact and given.shape == () and _rounded_short(answer, expected):
            return Feedback(
                WRONG,
                "Close: that is the answer rounded to fewer than three significant digits. "
                "Give three or more (or the exact fraction).",
            )
        if self.count and _off_by_one(given, expected):
            return Feedback(
                WRONG,
                "Not yet, but close: your count is one away from the answer. That is a "
                "counting slip, not rounding (the answer is a whole number): check where "
                f"your count starts and ends, and what it includes. {ask_for_hint(self.id)}",
            )
        if not exact and _within(
            given, expected, np.maximum(10 * tolerance, 0.02 * np.abs(expected))
        ):
            if self._as_precise_as_asked(answer):
                return Feedback(
                    WRONG,
                    "Close, but not right: rounded as the question asks, the answer is "
                    "different. Round only at the end, not the numbers on the way.",
                )
            return Feedback(WRONG, f"Close, but not right: {self.precision()}.")
        return Feedback(WRONG, f"Not yet. {ask_for_hint(self.id)}")

    def _as_precise_as_asked(self, answer) -> bool:
        """True if every number of the answer has the digits the question asks for."""
        numbers = np.ravel(np.asarray(answer, dtype=object))
        places = [_decimal_places(x) for x in numbers]
        if any(p is None for p in places):
            return False
        if self.decimals is not None:
            return all(p == self.decimals for p in places)
        return all(_significant_digits(x, p) == self.digits for x, p in zip(numbers, places))

    def _rounded_exact(self, answer, given, expected) -> bool:
        """An exact answer that is not a whole number (1/64, say), given to 3 or more
        significant digits, correctly rounded (a tie rounded up or down, 0.01563 or 0.01562):
        the question states no precision."""
        if self.digits is not None or self.decimals is not None:
            return False
        if np.all(expected == np.round(expected)):
            return False
        numbers = np.ravel(np.asarray(answer, dtype=object))
        places = [_decimal_places(x) for x in numbers]
        if any(p is None for p in places):
            return False
        return all(
            _significant_digits(x, p) >= 3
            and abs(float(e) - float(x)) <= 10.0**-p / 2 * (1 + 1e-9)  # either way at a tie
            for x, p, e in zip(numbers, places, np.ravel(expected))
        )


def _off_by_one(given, expected) -> bool:
    """A whole number given for a whole number, one too many or one too few."""
    return bool(given == np.round(given) and abs(given - expected) == 1)


def _decimal_places(number) -> int | None:
    """How many decimal places a number was written with (0.0156 -> 4), or None."""
    try:
        text = repr(float(number))
    except (TypeError, ValueError):
        return None
    if "e" in text or "inf" in text or "nan" in text:
        return None
    whole, _, fraction = text.partition(".")
    return 0 if fraction in ("", "0") else len(fraction)


def _rounded_short(answer, expected) -> bool:
    """A number not whole, given with decimals to one or two significant digits, correctly
    rounded (0.016 for 1/64)."""
    places = _decimal_places(answer)  # a whole number (1 for 0.5) is no rounding of it
    if places is None or places == 0 or float(expected) == round(float(expected)):
        return False
    return _significant_digits(answer, places) < 3 and abs(
        float(expected) - float(answer)
    ) <= 10.0**-places / 2 * (1 + 1e-9)


def _significant_digits(number, places: int) -> int:
    digits = f"{abs(float(number)):.{places}f}".replace(".", "").lstrip("0")
    return max(len(digits), 1)


def _holds_text(answer) -> bool:
    """True for text: a string, bytes, a numpy array of strings, or a list holding any."""
    if isinstance(answer, (str, bytes, np.str_, np.bytes_)):
        return True
    if isinstance(answer, np.ndarray):
        return answer.dtype.kind in "USO" and any(_holds_text(a) for a in answer.ravel())
    return isinstance(answer, (list, tuple)) and any(_holds_text(a) for a in answer)


def _within(given, expected, tolerance) -> bool:
    difference = np.abs(given - expected)
    return bool(np.all(np.isfinite(given)) and np.all(difference <= tolerance * (1 + 1e-9)))


def _form(shape) -> str:
    if shape == ():
        return "one number"
    if len(shape) == 1:
        if shape[0] == 1:
            return "a list holding one number"
        return f"{shape[0]} numbers, like (1, 2)" if shape[0] == 2 else f"{shape[0]} numbers"
    return f"an array of shape {shape}"


def _more_precisely(expected) -> str:
    return f" (more precisely {np.array2string(expected, precision=6)})"


# --- functions --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
# Each exercise module declares its exercises as Value(...) and Function(...) calls: alike in
# shape on purpose (id, signature, cases, reference, slips), one declaration per exercise.
class Function(Exercise):
    """An exercise answered by a function, checked against lectures_lib on random inputs.

    signature: how the checker calls it, as in the notebook's stub: "backprop(net, X, Y)".
    cases: draws the arguments of each test call from a seeded random generator.
    reference: lectures_lib's result for the same arguments; ``against`` names it.
    slips: (a model of a typical slip: arguments -> its result, what went wrong).
    symptoms: (which arguments a slip shows on, what went wrong): it matches a function
    that is wrong on exactly those inputs and right on all the others.
    run: (your function, arguments) -> the result to compare; by default what it returns.
    changes: positions of the arguments the function is meant to change; the others
    must come back untouched.
    in_place: the function's work is to change the arguments at the positions in
    ``changes`` (a network's weights and biases, say), not to return something: what is
    compared is those arguments after the call, and the reference and the slip models
    are written the same way, changing the copies they are given.
    parts: names of the parts of a result that is a tuple, e.g. ("∂C/∂w", "∂C/∂b").
    advice: an exception raised by your function -> advice in the lecture's terms, or None.
    refuse: what the exercise asks you to write, as "module:attribute" ("lectures_lib.
    network:Network.backprop"): while your function runs it is replaced by a stand-in
    that raises, and an answer that called it is refused.
    seconds: the bound on the time all calls of your function may take together.
    """

    signature: str
    cases: Callable[[np.random.Generator], list[tuple]]
    reference: Callable
    against: str
    slips: tuple[tuple[Callable, str], ...] = ()
    symptoms: tuple[tuple[Callable[..., bool], str], ...] = ()
    run: Callable | None = None
    changes: tuple[int, ...] = ()
    parts: tuple[str, ...] = ()
    in_place: bool = False
    rtol: float = 1e-7
    atol: float = 1e-10
    advice: Callable[[Exception], str | None] | None = None
    refuse: tuple[str, ...] = ()
    seconds: float = 5.0

    @property
    def name(self) -> str:
        return self.signature.split("(")[0]

    @property
    def parameters(self) -> list[str]:
        inside = self.signature.split("(", 1)[1].rstrip(")")
        return [p.strip() for p in inside.split(",")]

    def feedback(self, function) -> Feedback:
        """Call the function on every test input, then compare with lectures_lib's results."""
        ready = self._ready(function)
        if ready is not None:
            return ready
        printed = io.StringIO()  # what the function prints is collected, not shown
        results = self._run(function, printed)
        if isinstance(results, Feedback):
            return results
        verdict = self._judge(results)
        return Feedback(
            verdict.status, verdict.message + _printed_note(printed.getvalue(), self.name)
        )

    def _not_attempted(self) -> Feedback:
        return Feedback(
            NOT_ATTEMPTED,
            f"Not attempted yet: write the body of {self.name} (in place of `...`) "
            "and run this cell again.",
        )

    def _ready(self, function) -> Feedback | None:
        """Feedback if the answer is no function yet, or cannot take the arguments; else None."""
        if unanswered(function) or (_is_stub(function) and not _returns_explicitly(function)):
            return self._not_attempted()
        if not callable(function):
            return Feedback(
                WRONG,
                f"check wants your function itself, as in check({self.id!r}, {self.name}): "
                f"no parentheses after {self.name}.",
            )
        if not _accepts(function, len(self.parameters)):
            return Feedback(
                WRONG,
                f"The checker calls {self.signature}, with {len(self.parameters)} arguments, "
                "but your function takes a different number: keep the first line of the stub.",
            )
        return None

    def _run(self, function, printed, rng=None) -> list | Feedback:
        """(arguments, result, expected) for every test input, or Feedback if a call failed,
        returned nothing, ran too long, or changed an argument it should have left alone."""
        rng = rng if rng is not None else np.random.default_rng(zlib.crc32(self.id.encode()))
        cases = self.cases(rng)
        expected = [self._outcome(self.reference)(*copy.deepcopy(a)) for a in cases]
        try:
            with time_bound(self.seconds):
                outcomes = [self.call(function, arguments, printed) for arguments in cases]
        except TooSlow:
            return Feedback(ERROR, self._too_slow_message())
        results = []
        for arguments, outcome, reference in zip(cases, outcomes, expected):
            if isinstance(outcome, Feedback):
                return outcome
            results.append((arguments, outcome[0], reference))
        return results

    def call(self, function, arguments, printed) -> tuple | Feedback:
        """(the result to compare,) of one call of the function, or Feedback if it failed."""
        given = copy.deepcopy(arguments)
        before = [_snapshot(a) for a in given]
        try:
            with _quietly(printed), refusing(self.refuse, function) as called:
                result = self.run(function, given) if self.run else function(*given)
        except NotImplementedError:
            return self._not_attempted()
        except TooSlow:
            raise
        except Exception as error:  # noqa: BLE001 - any error in student code is reported
            if not called:
                return Feedback(ERROR, self._error_message(error, function, arguments))
        if called:
            return Feedback(WRONG, _refused_message(self.name, called))
        if self.in_place:
            if result is None and all(
                _unchanged(before[i], _snapshot(given[i])) for i in self.changes
            ):
                return Feedback(NOT_ATTEMPTED, self._unchanged_message())
            result = self._changed(given)
        elif result is None and self.run is None and _returns_explicitly(function):
            return Feedback(
                WRONG,
                f"Not yet: {self.name} returns None, from a `return` with nothing after it "
                "or `return None`: return the result instead.",
            )
        elif result is None and self.run is None:
            return Feedback(
                NOT_ATTEMPTED,
                f"Not finished yet: {self.name} returns None. End it with `return` and its result.",
            )
        for i, (old, argument) in enumerate(zip(before, given)):
            if i not in self.changes and not _unchanged(old, _snapshot(argument)):
                return Feedback(WRONG, self._changed_message(i, old, _snapshot(argument)))
        return (result,)

    def _too_slow_message(self) -> str:
        return (
            f"Stopped: {self.name} ran for more than {self.seconds:g} s on the test "
            "inputs, which take well under a second. "
            "Look for a loop that never ends (a `while` whose condition stays true), or a "
            "loop over far more items than the inputs hold."
        )

    def _judge(self, results) -> Feedback:
        """Right, a known slip, or the first input where the result differs."""
        wrong = [not self._same(result, expected) for _, result, expected in results]
        if not any(wrong):
            return Feedback(
                RIGHT,
                f"Right! On {len(results)} test inputs, {self.name} gives the same results as "
                f"{self.against}.",
            )
        if all(_numbers_for_booleans(result, expected) for _, result, expected in results):
            return Feedback(
                WRONG,
                f"Not yet: {self.name} returns the numbers 1 and 0 where the question asks for "
                "True and False. Return a comparison (such as `a >= b`), which is True or "
                "False, or bool(...) of your number.",
            )
        for model, why in self.slips:
            model = self._outcome(model)
            if all(self._same(result, _safely(model, a)) for a, result, _ in results):
                return Feedback(WRONG, f"Not yet: {why}.")
        for shows_on, why in self.symptoms:
            if wrong == [bool(shows_on(*arguments)) for arguments, _, _ in results]:
                return Feedback(WRONG, f"Not yet: {why}.")
        arguments, result, expected = results[wrong.index(True)]
        return Feedback(
            WRONG,
            f"Not yet: {self._difference(result, expected)}, "
            f"for {self._show(arguments)}.\n{ask_for_hint(self.id)}",
        )

    def _outcome(self, model):
        """The reference or a slip model as the checker compares it: what it returns, or for
        an in-place exercise the arguments it changed, as they are after the call."""
        if not self.in_place:
            return model

        def changed(*arguments):
            model(*arguments)
            return self._changed(arguments)

        return changed

    def _changed(self, arguments):
        """Copies of the arguments an in-place function changes (one, or a list of them)."""
        changed = [_snapshot(arguments[i]) for i in self.changes]
        return changed[0] if len(changed) == 1 else changed

    def _unchanged_message(self) -> str:
        names = " and ".join(self.parameters[i] for i in self.changes)
        return (
            f"Not finished yet: {self.name} returns None and leaves {names} as it was. It "
            f"should change {names} in place: `w -= …` changes the array w itself, while "
            "`w = w - …` makes a new array and leaves the old one as it was."
        )

    # --- comparing results, in words ---

    def _same(self, result, expected) -> bool:
        if expected is _FAILED:
            return False
        if isinstance(expected, (tuple, list)):
            return (
                isinstance(result, (tuple, list))
                and len(result) == len(expected)
                and all(self._same(r, e) for r, e in zip(result, expected))
            )
        if isinstance(expected, (bool, np.bool_)):
            return _as_bool(result) is bool(expected)
        if _holds_text(result):
            return False
        try:
            result = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return False
        expected = np.asarray(expected, dtype=float)
        return result.shape == expected.shape and bool(
            np.allclose(result, expected, rtol=self.rtol, atol=self.atol)
        )

    def _difference(self, result, expected, path=()) -> str:
        """The first difference between a result and the expected one, in words."""
        name = self._part_name(path)
        if isinstance(expected, (tuple, list)):
            if not isinstance(result, (tuple, list)) or len(result) != len(expected):
                what = f"{len(expected)} things" + (
                    f", {', '.join(self.parts)}" if path == () and self.parts else ""
                )
                return f"{name} should be {what}; yours is {_describe(result)}"
            for i, (r, e) in enumerate(zip(result, expected)):
                if not self._same(r, e):
                    return self._difference(r, e, (*path, i))
        if isinstance(expected, (bool, np.bool_)):
            if _as_bool(result) is None:
                return f"{name} should be True or False; yours is {_describe(result)}"
            return f"{name} is {bool(result)} where it should be {bool(expected)}"
        if _holds_text(result):
            numbers = "numbers themselves" if np.ndim(expected) else "number itself"
            return (
                f"{name} is text, {_short(result)}: return the {numbers}, not a string "
                "(no str(...), no f-string)"
            )
        try:
            values = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return f"{name} should be {_describe(expected)}; yours is {_describe(result)}"
        expected = np.asarray(expected, dtype=float)
        if values.shape != expected.shape:
            return f"{name} should be {_describe(expected)}; yours is {_describe(values)}"
        if not np.all(np.isfinite(values)):
            return f"{name} contains NaN or infinite values"
        if expected.size <= 12 and _numbers(values) != _numbers(expected):
            return f"{name} is {_numbers(values)} where {self.against} gives {_numbers(expected)}"
        if expected.size <= 12:
            worst = np.max(np.abs(values - expected))
            return (
                f"{name} is {_numbers(values)}, as {self.against} gives to 4 decimals, but "
                f"differs from it by up to {worst:.2g} (more than rounding)"
            )
        worst = np.max(np.abs(values - expected))
        return f"{name} differs from {self.against} by up to {worst:.3g}"

    def _part_name(self, path) -> str:
        if not path:
            return "your result"
        head = self.parts[path[0]] if path[0] < len(self.parts) else f"your result[{path[0]}]"
        return head + "".join(f"[{i}]" for i in path[1:])

    # --- describing inputs and errors ---

    def _show(self, arguments) -> str:
        return ", ".join(f"{p} = {_short(a)}" for p, a in zip(self.parameters, arguments))

    def _changed_message(self, i, old, new) -> str:
        what = self.parameters[i]
        if what == "net":
            return (
                f"Not yet: {self.name} changed net.weights or net.biases. It only computes; "
                "changing the network is the job of the update step."
            )
        tiny = _largest_change(old, new)
        size = f" (by {tiny:.1e}, a rounding error)" if 0 < tiny < 1e-12 else ""
        return (
            f"Not yet: {self.name} changed its argument {what}{size}. An in-place operation "
            f"such as `{what} -= …`, `{what}[…] = …` or `.sort()` changes the caller's data: "
            "work on a copy, or compute a new array."
        )

    def _error_message(self, error, function, arguments) -> str:
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        text = text if len(text) <= 200 else text[:197] + "..."
        message = f"{self.name} raised {type(error).__name__}" + (f": {text}" if text else "")
        line = _line_in(error, function)
        if line:
            message += f"\n  at line {line.lineno} of your code:  {line.line}"
        message += f"\n  when called with {self._show(arguments)}."
        advice = (self.advice(error) if self.advice else None) or _general_advice(error)
        return message + (f"\n{advice}" if advice else "")


# --- bounds: time, and the library method the exercise asks for ------------------------


class TooSlow(Exception):  # noqa: N818 - what the student reads is the message
    """Raised in the student's function when its time is up."""


@contextlib.contextmanager
def time_bound(seconds: float):
    """Raise TooSlow inside the code run in this block once ``seconds`` have passed.

    A timer signal interrupts the running Python code (a `while True:` loop too); it
    exists in the main thread on Linux and macOS, where notebooks run their cells. Elsewhere
    (Windows) the block runs unbounded: the grader bounds it with a process instead.
    """
    import os
    import signal
    import threading

    usable = os.name != "nt" and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _resolve(target: str):
    """("lectures_lib.network:Network.backprop") -> (owner object, attribute name)."""
    import importlib

    module, _, path = target.partition(":")
    owner = importlib.import_module(module)
    *parents, attribute = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, attribute


@contextlib.contextmanager
def refusing(targets, function=None):
    """Replace each target ("module:Class.method") by a stand-in that records the call and
    raises, here and under any name the function's globals give it; yields the list of
    the targets called (empty if none)."""
    called: list[str] = []
    replaced = []
    namespaces = [getattr(function, "__globals__", {}), *_library_namespaces(targets)]
    for target in targets:
        owner, attribute = _resolve(target)
        original = (
            owner.__dict__[attribute] if isinstance(owner, type) else getattr(owner, attribute)
        )
        stand_in = _stand_in(target, called)
        replaced.append((owner, attribute, original))
        setattr(owner, attribute, stand_in)
        for namespace in namespaces:  # the same function under other names
            for name, value in list(namespace.items()):
                if value is original:
                    replaced.append((namespace, name, original))
                    namespace[name] = stand_in
    try:
        yield called
    finally:
        for owner, attribute, original in reversed(replaced):
            if isinstance(owner, dict):
                owner[attribute] = original
            else:
                setattr(owner, attribute, original)


def _library_namespaces(targets) -> list[dict]:
    """The namespaces of the loaded modules of the targets' package (``lectures_lib``), where
    a refused function may be imported under another name (surfaces re-exports gradcheck's
    numerical_gradient); the checker's own modules keep theirs, for the reference."""
    import sys

    packages = {target.partition(":")[0].split(".")[0] for target in targets}
    return [
        vars(module)
        for name, module in list(sys.modules.items())
        if module is not None
        and name.split(".")[0] in packages
        and not name.startswith("lectures_lib.exercises")
    ]


def _stand_in(target, called):
    def refused(*arguments, **keywords):
        called.append(target)
        raise RuntimeError(f"{_shown(target)} is switched off in this exercise")

    return refused


def _shown(target: str) -> str:
    """ "Network.backprop" for a method; "regression.gradients" for a module's function."""
    module, _, path = target.partition(":")
    return path if "." in path else f"{module.rsplit('.', 1)[-1]}.{path}"


def _refused_message(name, called) -> str:
    what = _shown(called[0])
    return (
        f"Not accepted: {name} calls {what}, the library's own version of what this exercise "
        f"asks you to write. Write it yourself, without {what}."
    )


def _general_advice(error) -> str | None:
    if isinstance(error, TypeError) and "converted to Python scalars" in str(error):
        return (
            "A function that only works on a single number was given an array: math.exp "
            "and the like take one number; np.exp works on a whole array at once."
        )
    return None


_FAILED = object()  # a slip model that cannot handle an input matches no answer there


def _safely(model, arguments):
    try:
        with _quietly(io.StringIO()):
            return model(*copy.deepcopy(arguments))
    except Exception:  # noqa: BLE001 - the model does not apply to this input
        return _FAILED


def _numbers_for_booleans(result, expected) -> bool:
    """True for a number 1 or 0 where the expected True or False is (a right answer, as a
    number); a boolean result too, if it is right."""
    if not isinstance(expected, (bool, np.bool_)):
        return False
    if isinstance(result, (bool, np.bool_)):
        return bool(result) is bool(expected)
    return isinstance(result, (int, float, np.number)) and result == int(bool(expected))


def _as_bool(value):
    """True or False for a boolean (Python's or numpy's); None for anything else, 0 and 1
    too: the question asks for True or False."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return None


def _is_stub(function) -> bool:
    """True for a function whose body does nothing: ``...``, ``pass`` or ``return None``."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    steps = [
        (i.opname, i.argval)
        for i in dis.get_instructions(code)
        if i.opname not in ("RESUME", "NOP", "CACHE")
    ]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def _returns_explicitly(function) -> bool:
    """True if the function's source (when it can be read) has a `return` statement: a
    function whose whole body is `return None` was written, not left as the stub."""
    import ast
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    return any(isinstance(node, ast.Return) for node in ast.walk(tree))


def _accepts(function, n: int) -> bool:
    try:
        inspect.signature(function).bind(*range(n))
    except TypeError:
        return False
    except ValueError:  # no signature to read (some built-ins): let the call decide
        pass
    return True


@contextlib.contextmanager
def _quietly(printed: io.StringIO):
    """Run student code without warnings on stderr and with its prints collected."""
    with (
        contextlib.redirect_stdout(printed),
        contextlib.redirect_stderr(printed),
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
    ):
        warnings.simplefilter("ignore")
        yield


def _printed_note(text: str, name: str) -> str:
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if not lines:
        return ""
    return (
        f"\n({name} printed {lines} line{'s' * (lines != 1)} while it was checked, hidden "
        "here: call it yourself to see them.)"
    )


def _line_in(error, function):
    """The last line of the traceback that is in the student's own code (its cell)."""
    filename = getattr(getattr(function, "__code__", None), "co_filename", None)
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return frames[-1] if frames and frames[-1].line else None


def _snapshot(value):
    """A copy of an argument's data, to notice later whether the function changed it."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return [_snapshot(v) for v in value]
    if hasattr(value, "weights") and hasattr(value, "biases"):  # a Network
        return [_snapshot(list(value.weights)), _snapshot(list(value.biases))]
    return value


def _unchanged(old, new) -> bool:
    if isinstance(old, list):
        return (
            isinstance(new, list)
            and len(old) == len(new)
            and all(_unchanged(a, b) for a, b in zip(old, new))
        )
    if isinstance(old, np.ndarray):
        return (
            isinstance(new, np.ndarray)
            and old.shape == new.shape
            and bool(np.array_equal(old, new, equal_nan=True))
        )
    return old is new or old == new


def _largest_change(old, new) -> float:
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return max((_largest_change(a, b) for a, b in zip(old, new)), default=0.0)
    try:
        a, b = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
        return float(np.max(np.abs(a - b))) if a.shape == b.shape and a.size else np.inf
    except (TypeError, ValueError):
        return np.inf


def _describe(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, (bool, np.bool_)):
        return f"{bool(value)}"
    if isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)):
        return f"the number {_short(value.item() if isinstance(value, np.generic) else value)}"
    try:
        shape = np.shape(value)
    except Exception:  # noqa: BLE001 - anything np.shape cannot read
        return f"a {type(value).__name__}"
    if isinstance(value, (str, dict, set)) or callable(value):
        return f"a {type(value).__name__}"
    return "one number" if shape == () else f"an array of shape {shape}"


def _short(value) -> str:
    """An argument, briefly: small arrays in full, large ones by their shape."""
    if hasattr(value, "sizes") and hasattr(value, "weights"):
        return f"a Network({list(value.sizes)})"
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size <= 12:
            return np.array2string(value, precision=3, separator=", ", max_line_width=200)
        return f"an array of shape {value.shape}"
    if isinstance(value, np.generic):
        value = value.item()
    numbers = isinstance(value, (list, tuple)) and value
    if numbers and all(isinstance(v, (int, float, np.number)) for v in value):
        shown = ", ".join(_short(v) for v in value)
        return f"[{shown}]" if isinstance(value, list) else f"({shown})"
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value)


def _numbers(values: np.ndarray) -> str:
    if values.shape == ():
        return f"{float(values):.6g}"
    return np.array2string(values, precision=4, separator=", ")
