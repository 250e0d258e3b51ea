"""The schema version this srs writes, readable without loading the migration machinery.

Opening a collection that is already at this version must not import sqlite-utils (it pulls
in heavy modules and costs a cold command ~100 ms); `srs.store.migrations` checks at import time
that this number equals its count of migrations, so the two cannot drift apart.
"""

SCHEMA_VERSION = 14
