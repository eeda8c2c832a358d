"""A "cite this estimate" paragraph (Markdown and LaTeX) with BibTeX entries for the law and data used.

:func:`cite_plan` reads a :class:`~fmfootprint.planning.Plan` (its law's name and, when it has one, its
footprint's assumptions) and names the sources that produced the figures: the scaling-law paper, the grid
intensity data, the PUE and water factors, the embodied-carbon figures, and this tool. The app's download
and ``fmfootprint plan --cite`` both call it; nothing is computed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fmfootprint.planning.plan import Plan

__all__ = ["BIBTEX", "Citation", "cite_plan"]

BIBTEX: dict[str, str] = {
    "hoffmann2022": """@article{hoffmann2022,
  title = {Training Compute-Optimal Large Language Models},
  author = {Hoffmann, Jordan and Borgeaud, Sebastian and Mensch, Arthur and others},
  journal = {arXiv preprint arXiv:2203.15556},
  year = {2022},
  url = {https://arxiv.org/abs/2203.15556}
}""",
    "besiroglu2024": """@article{besiroglu2024,
  title = {Chinchilla Scaling: A Replication Attempt},
  author = {Besiroglu, Tamay and Erdil, Ege and Barnett, Matthew and You, Josh},
  journal = {arXiv preprint arXiv:2404.10102},
  year = {2024},
  url = {https://arxiv.org/abs/2404.10102}
}""",
    "muennighoff2023": """@article{muennighoff2023,
  title = {Scaling Data-Constrained Language Models},
  author = {Muennighoff, Niklas and Rush, Alexander M. and Barak, Boaz and others},
  journal = {arXiv preprint arXiv:2305.16264},
  year = {2023},
  url = {https://arxiv.org/abs/2305.16264}
}""",
    "epa_egrid2016": """@misc{epa_egrid2016,
  title = {Emissions \\& Generation Resource Integrated Database (eGRID2016)},
  author = {{US Environmental Protection Agency}},
  year = {2018},
  url = {https://www.epa.gov/egrid}
}""",
    "ember_owid": """@misc{ember_owid,
  title = {Yearly Electricity Data, via Our World in Data energy-data (carbon\\_intensity\\_elec)},
  author = {{Ember} and {Our World in Data}},
  year = {2024},
  note = {CC BY 4.0},
  url = {https://github.com/owid/energy-data}
}""",
    "electricitymaps": """@misc{electricitymaps,
  title = {Yearly average carbon intensity of electricity consumption by zone},
  author = {{Electricity Maps}},
  year = {2025},
  note = {ODbL 1.0, republished in CO2.js (@tgwf/co2)},
  url = {https://www.electricitymaps.com/data/methodology}
}""",
    "cer_canada": """@misc{cer_canada,
  title = {Canada's Energy Future: provincial electricity generation},
  author = {{Canada Energy Regulator}},
  year = {2023},
  note = {Open Government Licence -- Canada},
  url = {https://www.cer-rec.gc.ca}
}""",
    "google_region_carbon": """@misc{google_region_carbon,
  title = {Carbon free energy for Google Cloud regions (region-carbon-info)},
  author = {{Google Cloud}},
  year = {2024},
  note = {Apache-2.0},
  url = {https://github.com/GoogleCloudPlatform/region-carbon-info}
}""",
    "lannelongue2021": """@article{lannelongue2021,
  title = {Green Algorithms: Quantifying the Carbon Footprint of Computation},
  author = {Lannelongue, Lo{\\"\\i}c and Grealey, Jason and Inouye, Michael},
  journal = {Advanced Science},
  volume = {8},
  number = {12},
  year = {2021}
}""",
    "li2023": """@article{li2023,
  title = {Making {AI} Less Thirsty: Uncovering and Addressing the Secret Water Footprint of {AI} Models},
  author = {Li, Pengfei and Yang, Jianyi and Islam, Mohammad A. and Ren, Shaolei},
  journal = {arXiv preprint arXiv:2304.03271},
  year = {2023}
}""",
    "luccioni2023": """@article{luccioni2023,
  title = {Estimating the Carbon Footprint of {BLOOM}, a 176B Parameter Language Model},
  author = {Luccioni, Alexandra Sasha and Viguier, Sylvain and Ligozat, Anne-Laure},
  journal = {Journal of Machine Learning Research},
  volume = {24},
  number = {253},
  year = {2023}
}""",
    "fmfootprint": """@software{fmfootprint,
  title = {fmfootprint: scaling-law planning and footprint of foundation-model training},
  year = {2026}
}""",
}
"""BibTeX entries of the laws and data sources an estimate can rest on, by citation key."""

# Which citation key a footprint assumption's source text names (first match wins).
_SOURCE_KEYS: tuple[tuple[str, str], ...] = (
    ("Electricity Maps", "electricitymaps"),
    ("eGRID", "epa_egrid2016"),
    ("Canada Energy Regulator", "cer_canada"),
    ("canada_energy_mix", "cer_canada"),
    ("region-carbon-info", "google_region_carbon"),
    ("global_energy_mix", "ember_owid"),
    ("Ember", "ember_owid"),
    ("Our World in Data", "ember_owid"),
    ("Green Algorithms", "lannelongue2021"),
    ("Li, Yang, Islam, Ren", "li2023"),
    ("Luccioni", "luccioni2023"),
)
_AUTHORS = {
    "hoffmann2022": "Hoffmann et al. (2022)",
    "besiroglu2024": "Besiroglu et al. (2024)",
    "muennighoff2023": "Muennighoff et al. (2023)",
}
_DATA_ROLES = (
    ("grid_intensity_g_per_kwh", "grid carbon intensity"),
    ("pue", "data-centre PUE"),
    ("ewif_l_per_kwh", "water intensity of electricity"),
    ("embodied_kg_per_gpu", "embodied carbon"),
)


@dataclass(frozen=True)
class Citation:
    """How to cite one plan.

    Attributes
    ----------
    markdown : str
        The paragraph in Markdown, citation keys in brackets (``[@besiroglu2024]``).
    latex : str
        The same paragraph in LaTeX (``\\citep{besiroglu2024}``).
    bibtex : str
        The BibTeX entries of every key cited, blank-line separated.
    keys : tuple of str
        The citation keys, in the order cited.
    """

    markdown: str
    latex: str
    bibtex: str
    keys: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """markdown, latex, bibtex, keys (JSON-ready)."""
        return {
            "markdown": self.markdown,
            "latex": self.latex,
            "bibtex": self.bibtex,
            "keys": list(self.keys),
        }


def _source_key(text: str) -> str | None:
    for needle, key in _SOURCE_KEYS:
        if needle in text:
            return key
    return None


def _law_source(law: str) -> tuple[str, str, str]:
    """(citation key, words for the paragraph, BibTeX entry) of the law a plan used.

    A preset (``hoffmann2022-unrounded`` counts as ``hoffmann2022``) has its entry in :data:`BIBTEX`; another
    published law (:data:`fmfootprint.scaling.published.PUBLISHED`) gets a ``@misc`` entry from its own
    citation and link; any other name is a law the user fitted, cited with the method it was fitted by
    (Hoffmann et al. 2022, App. D.2).
    """
    for key, authors in _AUTHORS.items():
        if law.startswith(key):
            return key, f"the scaling law of {authors}", BIBTEX[key]
    from fmfootprint.scaling.published import PUBLISHED

    published = PUBLISHED.get(law)
    if published is not None and published.citation:
        key = "".join(ch if ch.isalnum() else "_" for ch in law)
        found = re.search(r"\b(?:19|20)\d\d\b", published.citation)
        year = found.group(0) if found else ""
        entry = (
            f"@misc{{{key},\n  title = {{{_bib_escape(published.citation)}}},\n"
            + (f"  year = {{{year}}},\n" if year else "")
            + (f"  url = {{{published.url}}}\n" if published.url else "")
            + "}"
        )
        author = (published.citation[: found.start()] if found else published.citation.split(",")[0]).strip(
            " ,"
        )
        return key, f"the scaling law of {author} ({year})" if year else f"the scaling law of {author}", entry
    return (
        "hoffmann2022",
        "a law fitted to our own runs with the method of Hoffmann et al. (2022) (App. D.2)",
        BIBTEX["hoffmann2022"],
    )


def _bib_escape(text: str) -> str:
    """Text safe inside a BibTeX field: the LaTeX specials escaped."""
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text.replace("{", "").replace("}", "")


def cite_plan(plan: Plan, region_name: str | None = None) -> Citation:
    """A citable paragraph for ``plan``, in Markdown and LaTeX, with the BibTeX of the sources it used.

    Parameters
    ----------
    plan : Plan
        A :func:`~fmfootprint.planning.plan` result (with or without a footprint).
    region_name : str, optional
        Readable name of the footprint's region (``"Iowa"``); default: its code.

    Returns
    -------
    Citation
    """
    from fmfootprint.units import format_count, format_number

    law_key, law_text, law_entry = _law_source(plan.law)
    loss = f" (predicted loss {plan.loss:.4f} nats/token)" if plan.loss is not None else ""
    parts = [
        (
            f"We planned {format_number(plan.compute_flops)} FLOP of training with {law_text} ",
            [law_key],
            f", which gives {format_count(plan.params)} parameters trained on {format_count(plan.tokens)} "
            f"tokens{loss}.",
        )
    ]
    footprint = plan.footprint
    if footprint is not None:
        by_name = {a.name: a for a in footprint.assumptions}
        data_keys: list[tuple[str, str]] = []
        for name, role in _DATA_ROLES:
            assumption = by_name.get(name)
            key = _source_key(assumption.source) if assumption is not None else None
            if key is not None:
                data_keys.append((role, key))
        region = footprint.region or "an unstated region"
        where = f"{region_name} ({region})" if region_name and region_name != region else region
        energy = f"{format_number(footprint.energy_kwh / 1000.0)} MWh"
        carbon = f"{format_number(footprint.co2e_kg / 1000.0)} t CO2e"
        water = f"{format_number(footprint.water_l / 1000.0)} m³ of water"
        parts.append(
            (
                f" On {footprint.gpus} {footprint.gpu} in {where} we estimated {energy}, {carbon} and "
                f"{water} with fmfootprint ",
                ["fmfootprint"],
                "",
            )
        )
        for i, (role, key) in enumerate(data_keys):
            parts.append((f"{' (' if i == 0 else ', '}{role} ", [key], ""))
        parts.append(("", [], ")." if data_keys else "."))
    keys: list[str] = []
    markdown, latex = "", ""
    for before, cited, after in parts:
        for key in cited:
            if key not in keys:
                keys.append(key)
        markdown += before + (f"[{'; '.join('@' + k for k in cited)}]" if cited else "") + after
        latex += before + (f"\\citep{{{','.join(cited)}}}" if cited else "") + after
    latex = latex.replace("%", "\\%").replace("m³", "m$^3$").replace("CO2e", "CO$_2$e")
    entries = {**BIBTEX, law_key: law_entry}
    bibtex = "\n\n".join(entries[key] for key in keys)
    return Citation(markdown=markdown, latex=latex, bibtex=bibtex, keys=tuple(keys))
