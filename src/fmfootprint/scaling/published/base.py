"""What every published scaling law carries and what it can be asked.

A :class:`PublishedLaw` holds a paper's constants exactly as printed, each with the table or equation it
stands in (:class:`Constant`), the functional form, what the law was fitted on, its fitted range and its
caveats. It answers up to six questions (:data:`QUESTIONS`); a question the paper gives no constants for
raises a :class:`~fmfootprint.errors.FootprintInputError` saying why, in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.ranges import FittedRange

__all__ = ["QUESTIONS", "Constant", "PublishedLaw"]

QUESTIONS: tuple[str, ...] = (
    "compute_optimal",
    "loss",
    "overtrained_loss",
    "batch_size",
    "learning_rate",
    "downstream_error",
)
"""The questions a law may answer: compute-optimal (N, D) for a budget C; loss at (N, D); loss of N
parameters over-trained at M tokens per parameter; optimal batch size and learning rate for C; expected
downstream top-1 error from a loss."""


@dataclass(frozen=True)
class Constant:
    """One published constant.

    Parameters
    ----------
    name : str
        Its symbol in the paper, e.g. "alpha" or "M_base".
    value : float
        The value as printed [unit of the law's form].
    source : str
        Where it is printed, e.g. "Table 1" or "§3.2.1 text"; says "derived" when not printed verbatim.
    uncertainty : str
        The paper's uncertainty for it (bootstrap interval, standard error), or "" when none is given.
    printed : str
        The value exactly as printed, digits included (e.g. "0.537", "3.8e25"), or "" when not recorded;
        it fixes :meth:`rounding_interval`.
    """

    name: str
    value: float
    source: str
    uncertainty: str = ""
    printed: str = ""

    def __post_init__(self) -> None:
        if self.printed:
            try:
                exact = Decimal(self.printed)
            except InvalidOperation:
                exact = Decimal("NaN")
            if not exact.is_finite():
                raise FootprintInputError(f"constant {self.name!r}: printed {self.printed!r} is not a number")
            if float(exact) != self.value:
                raise FootprintInputError(
                    f"constant {self.name!r}: printed {self.printed!r} differs from its value {self.value!r}"
                )

    def rounding_interval(self) -> tuple[float, float] | None:
        """The values that print as :attr:`printed`: ± half a unit of its last printed digit, or None when
        the printed form is not recorded.

        E.g. "0.537" → (0.5365, 0.5375) and "3.8e25" → (3.75e25, 3.85e25): the constant's own
        parameter uncertainty when a paper gives no other.
        """
        if not self.printed:
            return None
        exact = Decimal(self.printed)
        exponent = int(exact.as_tuple().exponent)  # finite: checked in __post_init__
        half = Decimal(5).scaleb(exponent - 1)
        return float(exact - half), float(exact + half)

    def to_dict(self) -> dict[str, Any]:
        """name, value, source (and uncertainty, printed and rounding_interval when given)."""
        out: dict[str, Any] = {"name": self.name, "value": self.value, "source": self.source}
        if self.uncertainty:
            out["uncertainty"] = self.uncertainty
        interval = self.rounding_interval()
        if interval is not None:
            out["printed"] = self.printed
            out["rounding_interval"] = list(interval)
        return out


@dataclass(frozen=True)
class PublishedLaw:
    """A published law with its provenance; subclasses implement the questions their paper answers.

    Parameters
    ----------
    name : str
        Preset name (``plan --law NAME``).
    title : str
        The name people cite it by.
    citation : str
        Authors, year, title, arXiv number.
    url : str
        Link to the paper [URL].
    form : str
        The functional form in one line, with the paper's equation number.
    constants : tuple of Constant
        The constants with their source locations.
    data : str
        What it was fitted on (data set, parameter and token ranges).
    fitted_range : FittedRange or None
        The span of the fitted runs, for extrapolation warnings; None when the paper does not state it.
    caveats : tuple of str
        Known limits, conventions (what N counts) and what could not be found verbatim.
    cannot : tuple of (question, reason) pairs
        Each question of :data:`QUESTIONS` the law does not answer, with the reason.
    """

    name: str
    title: str
    citation: str
    url: str
    form: str
    constants: tuple[Constant, ...]
    data: str
    fitted_range: FittedRange | None = None
    caveats: tuple[str, ...] = ()
    cannot: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        unknown = sorted({question for question, _ in self.cannot} - set(QUESTIONS))
        if unknown:
            raise FootprintInputError(f"law {self.name!r}: unknown questions {', '.join(unknown)}")

    @property
    def display_name(self) -> str:
        """``title``, else ``name``."""
        return self.title or self.name

    def constant(self, name: str) -> float:
        """The value of the constant called ``name``."""
        for item in self.constants:
            if item.name == name:
                return item.value
        raise KeyError(name)

    def constant_interval(self, name: str) -> tuple[float, float]:
        """The values the constant ``name`` may take given its printed digits
        (:meth:`Constant.rounding_interval`), or (value, value) when its printed form is not recorded."""
        for item in self.constants:
            if item.name == name:
                interval = item.rounding_interval()
                return (item.value, item.value) if interval is None else interval
        raise KeyError(name)

    def answers(self) -> tuple[str, ...]:
        """The questions of :data:`QUESTIONS` this law answers, in that order."""
        refused = {question for question, _ in self.cannot}
        return tuple(question for question in QUESTIONS if question not in refused)

    def why_not(self, question: str) -> str | None:
        """The reason this law does not answer ``question``, or None when it does."""
        return dict(self.cannot).get(question)

    def refuse(self, question: str) -> NoReturn:
        """Raise the one-line :class:`FootprintInputError` saying why ``question`` has no answer here."""
        reason = self.why_not(question) or "not implemented for this law"
        raise FootprintInputError(f"law {self.name!r} cannot answer {question.replace('_', ' ')}: {reason}")

    def extrapolation_warnings(self, params: float, tokens: float) -> tuple[str, ...]:
        """Sentences for each way (``params``, ``tokens``) lies outside :attr:`fitted_range`."""
        return () if self.fitted_range is None else self.fitted_range.warnings(params, tokens)

    # The six questions; a subclass overrides those its paper answers.
    def compute_optimal(self, compute_flops: float) -> tuple[float, float]:
        """Compute-optimal (N [parameters], D [tokens]) for ``compute_flops`` [FLOP]."""
        self.refuse("compute_optimal")

    def loss(self, params: float, tokens: float) -> float:
        """Predicted loss [nats/token] of ``params`` [parameters] trained on ``tokens`` [tokens]."""
        self.refuse("loss")

    def overtrained_loss(self, params: float, tokens_per_param: float) -> float:
        """Predicted loss [nats/token] of ``params`` [parameters] trained on M = ``tokens_per_param``
        [tokens/parameter] tokens per parameter."""
        self.refuse("overtrained_loss")

    def batch_size(self, compute_flops: float) -> float:
        """Optimal batch size [tokens] for ``compute_flops`` [FLOP]."""
        self.refuse("batch_size")

    def learning_rate(self, compute_flops: float) -> float:
        """Optimal peak learning rate [dimensionless] for ``compute_flops`` [FLOP]."""
        self.refuse("learning_rate")

    def downstream_error(self, loss: float) -> float:
        """Expected downstream average top-1 error [fraction] at validation ``loss`` [nats/token]."""
        self.refuse("downstream_error")

    def to_dict(self) -> dict[str, Any]:
        """The ``fmfootprint laws --json`` entry: provenance, form, constants, range, answers."""
        out: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "citation": self.citation,
            "url": self.url,
            "form": self.form,
            "constants": [item.to_dict() for item in self.constants],
            "data": self.data,
            "fitted_range": None if self.fitted_range is None else self.fitted_range.to_dict(),
            "caveats": list(self.caveats),
            "answers": list(self.answers()),
            "cannot_answer": dict(self.cannot),
        }
        return out
