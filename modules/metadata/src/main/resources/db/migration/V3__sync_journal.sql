-- Sync: moves and conflict copies in the journal, each head's place in it, and journal retention.

-- A move is one journal row per moved file: the file left from_path and now lives at path.
alter table journal drop constraint journal_op_check;
alter table journal add constraint journal_op_check check (op in ('put', 'delete', 'move'));
alter table journal add column from_path text collate "C";
alter table journal add constraint journal_move_shape check ((op = 'move') = (from_path is not null));

-- A put that saved a conflicting update next to the file it conflicted with names that file here.
alter table journal add column conflict_of text collate "C";

-- Journal rows at or below journal_floor have been pruned by retention. A cursor below the floor
-- cannot be served any more; its device must list again.
alter table users
    add column journal_floor bigint not null default 0 check (journal_floor >= 0);

-- The journal seq of the change that made each head what it is, so that a full listing can tell a
-- device which position every entry stands for.
alter table files add column seq bigint check (seq > 0);

update files
set seq = latest.seq
from (
    select user_id, path, max(seq) as seq
    from journal
    group by user_id, path
) as latest
where files.user_id = latest.user_id and files.path = latest.path;
