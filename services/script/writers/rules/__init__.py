"""The offline, rules-based screenwriter: plot + director style -> ``Script``.

Modules, one job each: ``text`` (cleaning and tokens), ``grammar`` (verbs and speech),
``people``/``places``/``plot`` (reading the plot), ``casting`` (names, looks, voices),
``structure`` (beats and scene order), ``dialogue`` (lines), ``describe`` (what the
painter sees), ``titles`` (title and logline), ``writer`` (``RulesWriter``). Every word
list and phrase bank lives in ``shared/data/writer_phrasebook.toml``.
"""

from services.script.writers.rules.writer import RulesWriter

__all__ = ["RulesWriter"]
