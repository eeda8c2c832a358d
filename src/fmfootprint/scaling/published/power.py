"""Published laws that allocate compute by power laws in C: Llama 3 and DeepSeek LLM.

- Llama 3 (Grattafiori/Dubey et al. 2024, §3.2.1): optimal training tokens D*(C) = A·C^α, N = C/(6·D*).
- DeepSeek LLM (Bi et al. 2024): non-embedding FLOPs per token M (eq. 2), M_opt and D_opt vs C (eq. 4),
  optimal batch size and learning rate vs C (eq. 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from fmfootprint._validate import positive
from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.published.base import Constant, PublishedLaw
from fmfootprint.scaling.ranges import FittedRange

__all__ = ["DeepSeekLaw", "Llama3Law", "block_flops_per_token", "flops_per_token", "power_laws"]


@dataclass(frozen=True)
class Llama3Law(PublishedLaw):
    """D*(C) = A·C^α [tokens] and N = C/(6·D*) [parameters] (Llama 3, §3.2.1, Fig. 3).

    References
    ----------
    Grattafiori, A., Dubey, A. et al. (2024). The Llama 3 Herd of Models. arXiv:2407.21783, §3.2.1.
    """

    def optimal_tokens(self, compute_flops: float) -> float:
        """D*(C) = A·C^α [tokens] for ``compute_flops`` [FLOP] (§3.2.1, A and α of Fig. 3's legend)."""
        c = positive("compute_flops", compute_flops)
        return float(self.constant("A") * c ** self.constant("alpha"))

    def compute_optimal(self, compute_flops: float) -> tuple[float, float]:
        """(N, D*) with D* = A·C^α and N = C/(6·D*) [parameters, tokens] (§3.2.1; 6ND by this tool)."""
        c = positive("compute_flops", compute_flops)
        tokens = self.optimal_tokens(c)
        return c / (6.0 * tokens), tokens

    def compute_optimal_bounds(
        self, compute_flops: float, compute_interval: tuple[float, float] | None = None
    ) -> tuple[tuple[float, float], tuple[float, float]]:
        """((D_low, D_high) [tokens], (N_low, N_high) [parameters]) over every (A, α) that prints as Fig. 3's
        legend (0.299, 0.537): each ± half a unit of its last digit (:meth:`Constant.rounding_interval`).

        Parameters
        ----------
        compute_flops : float
            The budget C [FLOP].
        compute_interval : (float, float), optional
            A range for C itself [FLOP], e.g. the values that print as the paper's "3.8 × 10^25"; the bounds
            then cover it too.

        Notes
        -----
        D* = A·C^α and N = C/(6·D*) (§3.2.1) are monotone in A, α and C, so the extremes lie at the corners
        of the box; this evaluates all of them.
        """
        c = positive("compute_flops", compute_flops)
        budgets = (
            (c, c)
            if compute_interval is None
            else tuple(positive("compute_interval", x) for x in compute_interval)
        )
        a_range, alpha_range = (self.constant_interval(name) for name in ("A", "alpha"))
        tokens = [a * b**alpha for a in a_range for alpha in alpha_range for b in budgets]
        params = [b / (6.0 * a * b**alpha) for a in a_range for alpha in alpha_range for b in budgets]
        return (min(tokens), max(tokens)), (min(params), max(params))


def flops_per_token(n_layer: float, d_model: float, seq_len: float) -> float:
    """M = 72·n_layer·d_model² + 12·n_layer·d_model·l_seq [FLOP/token] (DeepSeek LLM, §3.2 eq. 2).

    Parameters
    ----------
    n_layer : float
        Number of layers [dimensionless].
    d_model : float
        Model width [dimensionless].
    seq_len : float
        Sequence length l_seq [tokens].

    Notes
    -----
    Non-embedding training FLOPs per token, attention included, vocabulary projection excluded; C = M·D.
    The 72 assumes multi-head attention and a 4·d_model feed-forward; grouped-query attention (DeepSeek
    67B) has fewer.

    References
    ----------
    Bi, X. et al. (2024). DeepSeek LLM: Scaling Open-Source Language Models with Longtermism.
    arXiv:2401.02954, §3.2, eq. 2.
    """
    n = positive("n_layer", n_layer)
    d = positive("d_model", d_model)
    return float(72.0 * n * d**2 + 12.0 * n * d * positive("seq_len", seq_len))


def block_flops_per_token(
    n_layer: float, d_model: float, seq_len: float, n_heads: float, n_kv_heads: float, d_ff: float
) -> float:
    """M = 6·n_layer·(2d² + 2d²·n_kv/n_heads + 3·d·d_ff) + 12·n_layer·d·l_seq [FLOP/token]: eq. 2's M for a
    LLaMA-style block with grouped-query attention and a SwiGLU feed-forward.

    Parameters
    ----------
    n_layer : float
        Number of layers [dimensionless].
    d_model : float
        Model width d [dimensionless].
    seq_len : float
        Sequence length l_seq [tokens].
    n_heads : float
        Query heads [dimensionless].
    n_kv_heads : float
        Key/value heads [dimensionless]; ``n_heads`` for multi-head attention.
    d_ff : float
        Feed-forward inner width [dimensionless] (three d×d_ff matrices, SwiGLU).

    Notes
    -----
    Eq. 2 is 6 × the non-embedding parameters of a standard block (12·d² per layer: attention 4·d²,
    feed-forward 8·d²) plus the attention-score term 12·n_layer·d·l_seq. Here the parameters are counted
    for the block actually trained: Q and output projections 2·d², K and V 2·d²·n_kv/n_heads (grouped-query
    attention, Ainslie et al. 2023 §2), SwiGLU 3·d·d_ff (Shazeer 2020); every query head still scores all
    l_seq keys, so the 12·n_layer·d·l_seq term is unchanged. With n_kv = n_heads and d_ff = 8d/3 (the width
    DeepSeek LLM §2.2 prints) it is eq. 2.

    References
    ----------
    Bi, X. et al. (2024). DeepSeek LLM. arXiv:2401.02954, §3.2, eq. 2 (M), Table 2 (the 7B and 67B shapes)
    and §2.2 (SwiGLU of width 8/3·d_model; grouped-query attention in the 67B).
    Ainslie, J. et al. (2023). GQA. arXiv:2305.13245, §2. Shazeer, N. (2020). GLU Variants Improve
    Transformer. arXiv:2002.05202.
    """
    n = positive("n_layer", n_layer)
    d = positive("d_model", d_model)
    heads = positive("n_heads", n_heads)
    kv = positive("n_kv_heads", n_kv_heads)
    if kv > heads:
        raise FootprintInputError(f"n_kv_heads {kv:g} exceeds n_heads {heads:g}")
    per_layer = 2.0 * d**2 + 2.0 * d**2 * kv / heads + 3.0 * d * positive("d_ff", d_ff)
    return float(6.0 * n * per_layer + 12.0 * n * d * positive("seq_len", seq_len))


@dataclass(frozen=True)
class DeepSeekLaw(PublishedLaw):
    """DeepSeek LLM's laws of compute C = M·D [FLOP] (Bi et al. 2024, eq. 1 and eq. 4).

    References
    ----------
    Bi, X. et al. (2024). DeepSeek LLM. arXiv:2401.02954, §3.1 eq. 1 (batch size, learning rate) and §3.2
    eq. 4 (M_opt = M_base·C^a, D_opt = D_base·C^b).
    """

    def optimal_flops_per_token(self, compute_flops: float) -> float:
        """M_opt = M_base·C^a [non-embedding FLOP/token] (eq. 4)."""
        c = positive("compute_flops", compute_flops)
        return float(self.constant("M_base") * c ** self.constant("a"))

    def optimal_tokens(self, compute_flops: float) -> float:
        """D_opt = D_base·C^b [tokens] (eq. 4)."""
        c = positive("compute_flops", compute_flops)
        return float(self.constant("D_base") * c ** self.constant("b"))

    def compute_optimal(self, compute_flops: float) -> tuple[float, float]:
        """(M_opt/6 [parameter-equivalents], D_opt [tokens]): eq. 4, with N ≈ M/6 (this tool's reading;
        M counts attention FLOPs that 6N does not)."""
        return self.optimal_flops_per_token(compute_flops) / 6.0, self.optimal_tokens(compute_flops)

    def batch_size(self, compute_flops: float) -> float:
        """B_opt = 0.2920·C^0.3271 [tokens] (eq. 1)."""
        c = positive("compute_flops", compute_flops)
        return float(self.constant("B_coef") * c ** self.constant("B_exp"))

    def learning_rate(self, compute_flops: float) -> float:
        """η_opt = 0.3118·C^−0.1250 [dimensionless] (eq. 1)."""
        c = positive("compute_flops", compute_flops)
        return float(self.constant("eta_coef") * c ** self.constant("eta_exp"))

    def hyperparameter_bounds(self, compute_flops: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """((B_low, B_high) [tokens], (η_low, η_high) [dimensionless]): eq. 1 over every coefficient and
        exponent that prints as the paper's four digits (± half a unit of the last one) at ``compute_flops``
        [FLOP]; the extremes lie at the corners, which this evaluates."""
        c = positive("compute_flops", compute_flops)
        out = []
        for coef, exp in (("B_coef", "B_exp"), ("eta_coef", "eta_exp")):
            values = [k * c**e for k in self.constant_interval(coef) for e in self.constant_interval(exp)]
            out.append((min(values), max(values)))
        return out[0], out[1]


_LLAMA_ROUNDING = "printed to 3 digits; the values that print so span ± half a unit of the last digit"
_NO_LOSS_LLAMA = (
    "§3.2.1 fits only the optimal token count; its loss forecast is a per-benchmark NLL-vs-FLOPs fit whose "
    "constants are not printed"
)
_LLAMA3 = Llama3Law(
    name="llama3",
    title="Llama 3 (Grattafiori/Dubey et al. 2024) — compute-optimal tokens D*(C) = A·C^alpha",
    citation="Grattafiori, Dubey et al. 2024, The Llama 3 Herd of Models, arXiv:2407.21783, §3.2.1",
    url="https://arxiv.org/abs/2407.21783",
    form="D*(C) = A·C^alpha [tokens] (§3.2.1, written N*(C) there); N = C/(6·D*)",
    constants=(
        Constant("alpha", 0.537, "Fig. 3 legend", _LLAMA_ROUNDING, "0.537"),
        Constant("A", 0.299, "Fig. 3 legend", _LLAMA_ROUNDING, "0.299"),
        Constant("alpha_text", 0.53, "§3.2.1 text, rounded", printed="0.53"),
        Constant("A_text", 0.29, "§3.2.1 text, rounded", printed="0.29"),
        Constant("flagship_compute_flops", 3.8e25, "§3.2.1 text", printed="3.8e25"),
        Constant(
            "flagship_params", 402e9, "§3.2.1 text (extrapolated compute-optimal model)", printed="402e9"
        ),
        Constant(
            "flagship_tokens",
            16.55e12,
            "§3.2.1 text (extrapolated compute-optimal tokens)",
            printed="16.55e12",
        ),
    ),
    data="IsoFLOP runs at 6e18-1e22 FLOP of 40M-16B parameters on the Llama 3 pre-training mix (Meta, not "
    "released)",
    fitted_range=FittedRange(
        params_min=4e7,
        params_max=1.6e10,
        compute_min=6e18,
        compute_max=1e22,
        source="Llama 3 §3.2.1 (compute budgets and model sizes of the scaling-law runs)",
    ),
    caveats=(
        "The text's rounded (0.53, 0.29) give 10.5T tokens at 3.8e25 FLOP; Fig. 3's (0.537, 0.299) give "
        "16.29T, 1.55% below the printed 16.55T. The preset uses Fig. 3's values.",
        "Rounding: the (A, alpha) that print as (0.299, 0.537) give 15.79T-16.81T tokens at 3.8e25 FLOP, "
        "which holds 16.55T; N = C/(6·D*) then spans 377B-401B, and 374B-403B when C is any value printed as "
        "3.8e25, which holds 402B. Plans carry this range (law_answers.printed_precision_range).",
        "The paper's 402B x 16.55T costs 6ND = 3.99e25 (C/(N·D) = 5.71, not 6): §3.2.1 does not say how it "
        "counts FLOPs. This tool takes N = C/(6·D*): 389B at 3.8e25.",
        "IsoFLOP curves flatten near the minimum at large C; Meta trained 405B on 15.6T tokens.",
    ),
    cannot=(
        ("loss", _NO_LOSS_LLAMA),
        ("overtrained_loss", _NO_LOSS_LLAMA),
        ("batch_size", "the report states its batch schedule but gives no batch-size law"),
        ("learning_rate", "the report gives no learning-rate law"),
        (
            "downstream_error",
            "its NLL-to-accuracy sigmoid (Fig. 4) is fitted per benchmark and its constants are not printed",
        ),
    ),
)

_NO_LOSS_DEEPSEEK = "the paper fits IsoFLOP optima and hyperparameters, not a parametric loss L(N, D)"
_DEEPSEEK = DeepSeekLaw(
    name="deepseek2024",
    title="DeepSeek LLM (Bi et al. 2024) — M_opt, D_opt, batch size and learning rate vs compute",
    citation="Bi, Chen, Chen et al. (DeepSeek-AI) 2024, DeepSeek LLM: Scaling Open-Source Language Models "
    "with Longtermism, arXiv:2401.02954, §3",
    url="https://arxiv.org/abs/2401.02954",
    form="M_opt = M_base·C^a, D_opt = D_base·C^b with C = M·D (eq. 4); B_opt = 0.2920·C^0.3271 [tokens], "
    "eta_opt = 0.3118·C^-0.1250 (eq. 1); M = 72·n_layer·d_model^2 + 12·n_layer·d_model·l_seq (eq. 2)",
    constants=(
        Constant("M_base", 0.1715, "eq. 4", printed="0.1715"),
        Constant("a", 0.5243, "eq. 4", printed="0.5243"),
        Constant("D_base", 5.8316, "eq. 4", printed="5.8316"),
        Constant("b", 0.4757, "eq. 4", printed="0.4757"),
        Constant("B_coef", 0.2920, "eq. 1", printed="0.2920"),
        Constant("B_exp", 0.3271, "eq. 1", printed="0.3271"),
        Constant("eta_coef", 0.3118, "eq. 1", printed="0.3118"),
        Constant("eta_exp", -0.1250, "eq. 1", printed="-0.1250"),
    ),
    data="DeepSeek's bilingual pre-training corpus (not released); IsoFLOP fits at 8 budgets of 1e17-3e20 "
    "FLOP",
    fitted_range=FittedRange(
        compute_min=1e17, compute_max=3e20, source="DeepSeek LLM §3.2 (the 8 budgets of the main fit)"
    ),
    caveats=(
        "C and D units are not printed with eq. 4; FLOPs and tokens are inferred (M_base·D_base = 1.000, "
        "a + b = 1).",
        "M counts non-embedding FLOPs per token, attention included; the planner reports N = M_opt/6, which "
        "overstates parameters for long sequences.",
        "Eq. 2 reproduces Table 3's M, N1, N2 to their printed digits. Its 72·n·d² assumes multi-head "
        "attention; the 67B (Table 2: 95 layers, d 8192, 64 heads, 8 KV heads; §2.2: SwiGLU of 8/3·d) has "
        "M 13.5% lower when its block is counted (block_flops_per_token): eq. 1 then gives lr 3.18e-4 "
        "(Table 2: 3.2e-4) and a batch 4.4% above 4608 sequences (9.4% with eq. 2's M). The 7B is eq. 2's "
        "block: lr 4.25e-4 (4.2e-4), batch 2.3% below 2304.",
        "The exponent a moves from 0.450 to 0.578 with data quality (Table 4); these are the current-data "
        "constants.",
        "Table 2 chooses its hyperparameters 'based on our findings in Section 3' without saying how they "
        "were rounded; its batches are whole multiples of 256 sequences (9 and 18 x 256 of 4096 tokens), "
        "and eq. 1 gives 8.8 x 256 (7B, nearest 9) but 18.8 x 256 (67B, nearest 19). §3.1 calls the "
        "near-optimal band (within 0.25% of the best loss) broad.",
    ),
    cannot=(
        ("loss", _NO_LOSS_DEEPSEEK),
        ("overtrained_loss", _NO_LOSS_DEEPSEEK),
        ("downstream_error", "the paper maps no loss to a downstream error"),
    ),
)


def power_laws() -> dict[str, PublishedLaw]:
    """Llama 3 and DeepSeek LLM by preset name."""
    return {_LLAMA3.name: _LLAMA3, _DEEPSEEK.name: _DEEPSEEK}
