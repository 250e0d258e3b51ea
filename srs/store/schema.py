"""The schema version this srs writes, and the page size of a new collection, readable without
loading the migration machinery.

Opening a collection that is already at this version must not import sqlite-utils (it pulls
in heavy modules and costs a cold command ~100 ms); `srs.store.migrations` checks at import time
that this number equals its count of migrations, so the two cannot drift apart.
"""

SCHEMA_VERSION = 14

# Bytes per SQLite page of a collection srs creates (SQLite's default is 4096; an existing
# collection keeps the size it was made with). A first import writes every page once into the
# WAL at commit and once more into the file at checkpoint; with 8 KB pages a 10k-card first
# import took 4-7 % less time (issue 19, session 8), and the queue, an answer and the
# statistics read the same at either size on the 100k benchmark collection.
PAGE_SIZE = 8192
