-- Per-user storage usage, for quotas.
--
-- Usage is the bytes of the current content of a user's live files: the size of every head that
-- is a file and not deleted. Older revisions and deleted files do not count, although their blobs
-- stay until retention removes them; a quota limits what a user keeps, not the history we keep.
--
-- Every write keeps it exact in its own transaction, under the user row lock its journal_seq bump
-- takes: a commit adds (new size - size of the live head it replaces), a delete subtracts the size
-- of the head it removes. Keeping the total here, rather than summing files on each commit, makes
-- the quota check one row read instead of a scan of the user's files.
alter table users
    add column used_bytes bigint not null default 0 check (used_bytes >= 0);

-- Backfill from the heads as they are. Users without live files keep the default 0.
update users
set used_bytes = live.bytes
from (
    select user_id, sum(size) as bytes
    from files
    where kind = 'file' and not deleted
    group by user_id
) as live
where users.id = live.user_id;
