"""Fine-tuning a director's voice: example screenplays -> training JSONL -> OpenAI job -> model.

The workflow (``pixelscript finetune ...``, see the README):

1. ``prepare`` reads a folder of example screenplays (``examples``), turns each into one
   chat-format training record (``dataset``) whose system and user messages are exactly
   what the OpenAI writer sends at run time (``services.script.prompts``) and whose
   assistant message is the ``Script`` JSON the writer parses, then checks the lot
   (``validation``) and writes the JSONL only when nothing is wrong.
2. ``start`` checks the JSONL again, uploads it and creates the job (``client``).
3. ``status`` follows the job; when it has succeeded, the fine-tuned model id is recorded
   for the director in the director models file (``registry``), which the writer reads.

Example folder format
    One screenplay per file, Fountain (``.fountain``, ``.spmd``) or a ``Script`` JSON
    (``.json``), each with the plot it answers, given one of three ways:

    - Fountain: a ``Plot:`` key on the title page (a long plot continues on indented
      lines, as any Fountain title page value, joined with spaces);
    - JSON: a ``"plot"`` field beside the ``Script`` fields;
    - either: a sidecar text file ``<name>.plot.txt`` beside ``<name>.fountain`` /
      ``<name>.json``.

    A plot given twice is a problem (which one is meant?). Other files are ignored and
    listed. The ``director`` of every example becomes the director being trained, as
    the writer forces it at run time.
"""

from __future__ import annotations
