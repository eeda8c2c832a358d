"""Published laws with an extra variable: mixture-of-experts granularity, training precision, modality.

- Krajewski et al. 2024, fine-grained MoE: L(N, D, G) = c + (g/G^γ + a)/N^α + b/D^β (eq. 9, Table 1);
- Kumar et al. 2024, precision: effective parameters and post-training-quantisation loss (eq. 2-4);
- Aghajanyan et al. 2023, uni-modal exponents α, β per modality (Table 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from fmfootprint._validate import positive
from fmfootprint.scaling.published.base import Constant, PublishedLaw
from fmfootprint.scaling.ranges import FittedRange

__all__ = ["ExponentsLaw", "MoELaw", "PrecisionLaw", "extended_laws"]


@dataclass(frozen=True)
class MoELaw(PublishedLaw):
    """L(N, D, G) = c + (g/G^γ + a)/N^α + b/D^β (Krajewski et al. 2024, eq. 9, Table 1).

    References
    ----------
    Krajewski, J. et al. (2024). Scaling Laws for Fine-Grained Mixture of Experts. arXiv:2402.07871, eq. 9.
    """

    def loss(self, params: float, tokens: float, granularity: float = 1.0) -> float:
        """Loss [nats/token] of a MoE of ``params`` [total non-embedding parameters] on ``tokens`` [tokens]
        at granularity G = d_ff/d_expert ``granularity`` [dimensionless] (eq. 9; G = 1 is a standard MoE)."""
        n, d, g = positive("params", params), positive("tokens", tokens), positive("granularity", granularity)
        k = self.constant
        return float(k("c") + (k("g") / g ** k("gamma") + k("a")) / n ** k("alpha") + k("b") / d ** k("beta"))

    def overtrained_loss(self, params: float, tokens_per_param: float, granularity: float = 1.0) -> float:
        """Eq. 9 at D = M·N [nats/token]."""
        n = positive("params", params)
        return self.loss(n, n * positive("tokens_per_param", tokens_per_param), granularity)


@dataclass(frozen=True)
class PrecisionLaw(PublishedLaw):
    """Kumar et al. 2024: δ_PTQ = C_T·(D^γ_D / N^γ_N)·e^(−P_post/γ_post) (eq. 2).

    Only γ_D, γ_N, C_T, α and E were found verbatim; :meth:`ptq_degradation_ratio` needs only γ_D and γ_N.

    References
    ----------
    Kumar, T., Ankner, Z. et al. (2024). Scaling Laws for Precision. arXiv:2411.04330, eq. 2-4, App. K.
    """

    def ptq_degradation_ratio(
        self, params: float, tokens: float, reference_params: float, reference_tokens: float
    ) -> float:
        """δ_PTQ(N, D) / δ_PTQ(N_ref, D_ref) at the same post-training precision [dimensionless] (eq. 2):
        (D/D_ref)^γ_D · (N_ref/N)^γ_N. Above 1, the run loses more loss to post-training quantisation."""
        n, d = positive("params", params), positive("tokens", tokens)
        n0, d0 = (
            positive("reference_params", reference_params),
            positive("reference_tokens", reference_tokens),
        )
        return float((d / d0) ** self.constant("gamma_D") * (n0 / n) ** self.constant("gamma_N"))


@dataclass(frozen=True)
class ExponentsLaw(PublishedLaw):
    """A Chinchilla-form law of which only the exponents α, β are known (Aghajanyan et al. 2023, Table 1).

    The compute-optimal split still follows: N_opt ∝ C^{β/(α+β)} and D_opt ∝ C^{α/(α+β)} (Hoffmann et al.
    2022, eq. 4), so :meth:`params_exponent` and :meth:`tokens_exponent` answer how fast each grows.
    """

    def params_exponent(self) -> float:
        """a = β/(α+β) [dimensionless]: N_opt ∝ C^a (Hoffmann et al. 2022, eq. 4)."""
        alpha, beta = self.constant("alpha"), self.constant("beta")
        return beta / (alpha + beta)

    def tokens_exponent(self) -> float:
        """b = α/(α+β) [dimensionless]: D_opt ∝ C^b (Hoffmann et al. 2022, eq. 4)."""
        return 1.0 - self.params_exponent()


_NO_HPARAMS = "the paper gives no batch-size or learning-rate law"
_NO_DOWNSTREAM = "the paper maps no loss to a downstream error"
_MOE = MoELaw(
    name="krajewski2024-moe",
    title="Krajewski et al. 2024 — fine-grained mixture of experts L(N, D, G)",
    citation="Krajewski, Ludziejewski, Adamczewski et al. 2024, Scaling Laws for Fine-Grained Mixture of "
    "Experts, arXiv:2402.07871",
    url="https://arxiv.org/abs/2402.07871",
    form="L(N, D, G) = c + (g/G^gamma + a)/N^alpha + b/D^beta (eq. 9); N total non-embedding parameters, "
    "G = d_ff/d_expert, expansion rate E = 64",
    constants=(
        Constant("a", 18.1, "Table 1 (MoE)"),
        Constant("alpha", 0.115, "Table 1 (MoE)"),
        Constant("b", 30.8, "Table 1 (MoE)"),
        Constant("beta", 0.147, "Table 1 (MoE)"),
        Constant("g", 2.1, "Table 1 (MoE)"),
        Constant("gamma", 0.58, "Table 1 (MoE)"),
        Constant("c", 0.47, "Table 1 (MoE)"),
    ),
    data="over 100 MoE runs (E = 64) on C4, 129M-3.7B parameters on 16B-130B tokens, G from 1 to 16",
    fitted_range=FittedRange(
        params_min=1.29e8,
        params_max=3.7e9,
        tokens_min=1.6e10,
        tokens_max=1.3e11,
        source="Krajewski et al. 2024 §5 (it does not say whether 129M-3.7B counts total or active)",
    ),
    caveats=(
        "Fit RMSE 0.015, validation RMSE 0.019 (§5.4); the fit without the best 20% of runs is in Table 5.",
        "Table 2 was computed from unrounded constants: with Table 1's rounded values its losses come out "
        "within 1% (N = (8E+4)/12 times the active parameters of its E x N_act notation).",
        "G above 16 lies outside the fitted runs; §7 reports worse loss at G = 64 for d_model = 256.",
    ),
    cannot=(
        (
            "compute_optimal",
            "the optimum needs the routing-cost FLOP constants c_f, c_r of App. E and the d_model = "
            "64·n_blocks shape and is solved numerically (§6.2); Table 2 lists its results at 7 budgets",
        ),
        ("batch_size", _NO_HPARAMS),
        ("learning_rate", _NO_HPARAMS),
        ("downstream_error", _NO_DOWNSTREAM),
    ),
)

_KUMAR_SOURCE = "App. K Table 2, as excerpted from arXiv:2411.04330v2"
_NO_PRECISION = (
    "A, B and the precision constants gamma_w, gamma_a, gamma_kv, gamma_post of eq. 3-4 were not found "
    "verbatim (only gamma_D, gamma_N, C_T, alpha, E)"
)
_KUMAR = PrecisionLaw(
    name="kumar2024",
    title="Kumar et al. 2024 — scaling laws for precision (effective parameters, PTQ degradation)",
    citation="Kumar, Ankner, Spector, Bordelon, Muennighoff, Paul, Pehlevan, Ré, Raghunathan 2024, Scaling "
    "Laws for Precision, arXiv:2411.04330",
    url="https://arxiv.org/abs/2411.04330",
    form="L = A·N_eff^-alpha + B·D^-beta + E, N_eff = N(1 - e^(-P_w/gamma_w))(1 - e^(-P_a/gamma_a))"
    "(1 - e^(-P_kv/gamma_kv)) (eq. 3-4); delta_PTQ = C_T·D^gamma_D/N^gamma_N·e^(-P_post/gamma_post) (eq. 2)",
    constants=(
        Constant("gamma_D", 0.5068, _KUMAR_SOURCE),
        Constant("gamma_N", 0.3439, _KUMAR_SOURCE),
        Constant("C_T", 0.0598, _KUMAR_SOURCE),
        Constant("alpha", 0.4965, f"{_KUMAR_SOURCE} (beta tied to alpha)"),
        Constant("E", 2.7648, _KUMAR_SOURCE),
    ),
    data="465 OLMo-style runs on Dolma v1.7, 30M-220M non-embedding parameters on 1.5B-26B tokens, 3-16 "
    "bit training; validated up to 1.7B parameters",
    fitted_range=FittedRange(
        params_min=3e7,
        params_max=2.2e8,
        tokens_min=1.5e9,
        tokens_max=2.6e10,
        source="Kumar et al. 2024 §2.3 (the fitted grid)",
    ),
    caveats=(
        "The authors: the numerical constants 'are unlikely to be useful' across architectures and data; "
        "the trends are the finding (App. K). Fits include bias offsets omitted from the main-text notation.",
        f"Not answered here: {_NO_PRECISION}.",
        "Searched again (Dec 2026): a stored copy of the paper's text holds the main text and App. A-D; "
        "it prints eq. 2-4 without numbers and defers them to App. K ('see Appendix K for numerical "
        "values'), which that copy lacks. No printed A, B, gamma_w, gamma_a, gamma_kv, gamma_post and no "
        "released fitting code were found, so only the ratio form is implemented.",
        "Compute-optimal training precision from §4.3 is 7-8 bits for integer quantised training.",
    ),
    cannot=(
        ("compute_optimal", f"§4.3 optimises N, D and precision jointly; {_NO_PRECISION}"),
        ("loss", _NO_PRECISION),
        ("overtrained_loss", _NO_PRECISION),
        ("batch_size", _NO_HPARAMS),
        ("learning_rate", _NO_HPARAMS),
        ("downstream_error", "the authors only consider loss scaling (§6)"),
    ),
)

# Aghajanyan et al. 2023, Table 1, uni-modal fits: (alpha, beta). Transcribed from a reading note of the
# paper (notes.haroldbenoit.com, "Scaling Laws For Generative Mixed-Modal Language Models"), which prints
# them to two decimals; A, B and E of the same table were not found in a transcription.
_AGHAJANYAN = {
    "text": ("Text", 0.18, 0.22),
    "image": ("Image (Make-A-Scene VQ tokens)", 0.13, 0.13),
    "speech": ("Speech (HuBERT units)", 0.31, 0.24),
    "code": ("Code", 0.37, 0.32),
    "image-text": ("Image-Text", 0.12, 0.11),
    "speech-text": ("Speech-Text", 0.32, 0.24),
    "molecules": ("Molecules", 0.37, 0.26),
}
_NO_ABE = (
    "only the exponents alpha, beta of Table 1 were found verbatim (via a transcription); its A, B, E were "
    "not, so N and D themselves are unknown (N_opt grows as C^(beta/(alpha+beta)))"
)


def _aghajanyan(key: str) -> ExponentsLaw:
    label, alpha, beta = _AGHAJANYAN[key]
    source = "Table 1 (uni-modal), as transcribed in a reading note (notes.haroldbenoit.com)"
    return ExponentsLaw(
        name=f"aghajanyan2023-{key}",
        title=f"Aghajanyan et al. 2023 — uni-modal scaling, {label}",
        citation="Aghajanyan, Yu, Conneau, Hsu et al. 2023, Scaling Laws for Generative Mixed-Modal Language "
        "Models, arXiv:2301.03728 (ICML 2023)",
        url="https://arxiv.org/abs/2301.03728",
        form="L(N, D) = E + A/N^alpha + B/D^beta per modality (§2.2, Hoffmann form); N_opt ∝ "
        "C^(beta/(alpha+beta))",
        constants=(Constant("alpha", alpha, source), Constant("beta", beta, source)),
        data=f"{label} data; OPT-style decoder runs of 8M-6.7B parameters on 5B-100B tokens, one epoch, "
        "causal-masked objective, 1M-token batches",
        fitted_range=FittedRange(
            params_min=8e6,
            params_max=6.7e9,
            tokens_min=5e9,
            tokens_max=1e11,
            source="Aghajanyan et al. 2023 abstract and §4 (uni-modal fits up to 6.7B)",
        ),
        caveats=(
            "Exponents to two decimals from a transcription of Table 1, not read off the paper itself.",
            "Searched again (Dec 2026: arXiv, OpenReview, ICML and Hugging Face pages, reading notes, GitHub "
            "code and issues): the stored copies hold the abstract, one transcription lists alpha and beta "
            "alone, and a reading note shows Table 1 only as an image. E, A, B are absent: loss is refused.",
            "Not reproducible here: the paper's Speech|Text optimum N = 28.35B, D = 45.12B (§5, p. 9) needs "
            "the uni-modal E, A, B and the bi-modal interaction constants.",
            "Losses are per token of each modality's tokenizer, so E and the exponents do not compare across "
            "modalities as bits of information.",
        ),
        cannot=(
            ("compute_optimal", _NO_ABE),
            ("loss", _NO_ABE),
            ("overtrained_loss", _NO_ABE),
            ("batch_size", "Phenomenon 3 relates the optimal batch to beta but gives no law"),
            ("learning_rate", _NO_HPARAMS),
            ("downstream_error", _NO_DOWNSTREAM),
        ),
    )


def extended_laws() -> dict[str, PublishedLaw]:
    """Krajewski MoE, Kumar precision and the Aghajanyan modalities by preset name."""
    out: dict[str, PublishedLaw] = {_MOE.name: _MOE, _KUMAR.name: _KUMAR}
    for key in _AGHAJANYAN:
        law = _aghajanyan(key)
        out[law.name] = law
    return out
