"""The knowledge base: versioned, immutable build folders of SQLite (and later FAISS)
that the API opens read-only. ``kb`` owns every file it writes."""
