"""The schema version this srs writes, and the page size of a new collection, readable without
loading the migration machinery.

Opening a collection that is already at this version must not import sqlite-utils (it pulls
in heavy modules and costs a cold command ~100 ms); `srs.store.migrations` checks at import time
that this number equals its count of migrations, so the two cannot drift apart.
"""

SCHEMA_VERSION = 14

# Bytes per SQLite page of a collection srs creates (SQLite's default is 4096; an existing
# collection keeps the size it was made with). With 8 KB pages a 10k-card first import took
# 4-7 % less time when it went through the WAL (issue 19, session 8) and 1-5 % less through
# the rollback journal it uses now (session 9); the queue and the statistics read the same at
# either size on the 100k benchmark collection. The price: an answer dirties ~13 pages, so its
# commit writes twice the bytes (~10 % slower per answer in session 9's alternating runs).
PAGE_SIZE = 8192
