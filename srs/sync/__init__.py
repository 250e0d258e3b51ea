"""Two-way sync with Anki (`srs sync`): AnkiWeb, a self-hosted Anki sync server, AnkiDroid.

srs keeps a mirror Anki collection in a folder beside its own file (`<collection>.anki/`) and
drives Anki's own sync protocol through the optional `anki` package (AGPL, `srs[anki]`,
imported only by `srs.sync.mirror`). A sync (`srs.sync.run.sync`):

1. syncs the mirror with the server (a full download when Anki asks for a full sync: the
   mirror only holds what the server and srs already have; a full upload only to an empty
   server, or with `--force-upload`);
2. pulls: answers in the mirror's review log that srs has not carried yet go into srs's log
   through `Collection.merge_answers` (each once: `sync_log`); notes edited in Anki are
   reported; notes added in Anki are written to the inbox deck file;
3. pushes: notes new or changed in Markdown (as the `.apkg` export renders them), srs's
   answers as review-log rows and each touched card's state;
4. syncs the mirror again.

Each step commits on its own side in one transaction, in an order that makes a repeat of an
interrupted step find its own work (an answer is keyed by its card and instant), so a kill at
any moment loses or doubles nothing. `auth` keeps the host key, `lock` refuses a second sync.
"""
