"""The outward faces of kelisim: the ``kelisim`` command line and the Litestar app.
Both only translate their input into ``ingest`` and ``kb`` calls."""
