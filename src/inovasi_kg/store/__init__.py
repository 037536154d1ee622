"""Store backends: one protocol (base.py), the embedded store on disk, the in-memory store, a SPARQL
server; `open.py` opens the one a location names."""
