"""Reports of a model's footprint: the Hugging Face model card's emissions metadata and section.

- :mod:`fmfootprint.report.modelcard`: :func:`model_card` and :func:`update_card` (the public API);
- :mod:`fmfootprint.report.sources`: estimates, run summaries, lifecycles, run directories, ledgers and
  saved JSON, each turned into per-stage figures (:class:`fmfootprint.footprint.stages.StageFootprint`);
- :mod:`fmfootprint.report.render`: the Markdown of the "Environmental Impact" section;
- :mod:`fmfootprint.report.ledger`: YAML ledgers listing runs and estimates by lifecycle stage;
- :mod:`fmfootprint.report.cardtext`: editing one front-matter key and one section of a card in place.
"""

from fmfootprint.report.modelcard import ModelCardReport, model_card, update_card

__all__ = ["ModelCardReport", "model_card", "update_card"]
