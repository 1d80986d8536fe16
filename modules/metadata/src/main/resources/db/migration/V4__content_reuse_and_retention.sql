-- Content reuse (hash lookup, batch commits of already stored content, restores, moves) and
-- retention of old versions and journal rows.

-- "Which of these digests does this user already store": one index probe per digest.
create index blobs_by_user_digest on blobs (user_id, sha256);

-- Several versions and heads may now share one blob (a move, a restore, a batch item that reuses
-- stored content). Retention deletes a blob row once nothing references it; these make "is it
-- still referenced" an index probe, and keep the foreign-key checks of that delete off a full scan.
create index versions_by_blob on versions (blob_id) where blob_id is not null;
create index files_by_blob on files (blob_id) where blob_id is not null;

-- A version is superseded once a newer revision of its path exists: the head moved past it. Every
-- write that gives a path a new revision marks the revision it replaces, in the same statement.
-- Retention only ever removes superseded versions, so it scans this partial index and never walks
-- past the (many, old, unchanged) head versions that it must keep.
alter table versions add column superseded boolean not null default false;

update versions v
set superseded = true
from files f
where f.user_id = v.user_id and f.path = v.path and v.rev < f.rev;

create index versions_superseded_by_modified on versions (modified) where superseded;

-- Retention prunes the journal oldest first across all users; journal timestamps follow seq order
-- per user, so what it removes of each user's journal is a prefix, and the user's floor moves up.
create index journal_by_ts on journal (ts);
