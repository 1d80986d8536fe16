-- File metadata, revisions and the per-user change journal.
--
-- Paths and names use collate "C" so that ordering and comparisons are byte-wise on UTF-8,
-- identical on every server whatever its locale, and listings sort the way the API promises.
-- A path never has a leading slash; the root folder is the empty path and has no row.

create table users (
    id          text collate "C" primary key,
    -- Per-user, gapless change sequence. Every write bumps it first, inside its transaction:
    -- the row lock this takes serialises a user's writes (so a head is read and replaced without
    -- races), and a rollback returns the number, so journal seqs have no holes.
    journal_seq bigint not null default 0 check (journal_seq >= 0),
    created_at  timestamptz not null default now()
);

-- One row per stored object. Bytes reach object storage before the row exists; an object without a
-- row is garbage for the sweeper, a row is never written for an object that is not there.
create table blobs (
    id          bigint generated always as identity primary key,
    user_id     text collate "C" not null references users (id),
    storage_key text collate "C" not null unique,
    size        bigint not null check (size >= 0),
    sha256      bytea  not null check (length(sha256) = 32),
    created_at  timestamptz not null default now()
);

-- The head of every path a user has: live files, tombstones of deleted files, and folders.
-- Folders are real rows, created for every ancestor when a file is committed, so listing a folder
-- reads its children only and never scans descendants.
create table files (
    user_id   text collate "C" not null references users (id),
    path      text collate "C" not null,
    parent    text collate "C" not null,
    name      text collate "C" not null,
    kind      text not null check (kind in ('file', 'folder')),
    -- For a folder this keeps the last revision a file at this path had (or null), so revisions
    -- keep increasing if a file ever takes the path back.
    rev       bigint check (rev > 0),
    deleted   boolean not null default false,
    size      bigint check (size >= 0),
    sha256    bytea check (length(sha256) = 32),
    etag      text collate "C",
    device_id text,
    -- For a folder: when it was created. Bumping every ancestor on each commit would turn one write
    -- into one per path segment, all on the hottest rows.
    modified  timestamptz not null,
    blob_id   bigint references blobs (id),
    primary key (user_id, path),
    -- A live file always points at its bytes; folders and tombstones never do.
    constraint files_shape check (
        (kind = 'folder' and not deleted and blob_id is null and sha256 is null)
        or (kind = 'file' and rev is not null and deleted and blob_id is null)
        or (kind = 'file' and rev is not null and not deleted
            and blob_id is not null and size is not null and sha256 is not null and etag is not null))
);

-- Listings: children of one folder by name, or newest first (ties by name), with keyset paging.
-- Partial on "not deleted" because listings never show tombstones, which then cost no index space.
create index files_children_by_name on files (user_id, parent, name) where not deleted;
create index files_children_by_modified on files (user_id, parent, modified desc, name) where not deleted;

-- Every revision of every file, kept after deletes until retention ends. A tombstone (deleted) is a
-- revision too, so revision numbers stay unique per path across delete and re-create.
create table versions (
    user_id   text collate "C" not null references users (id),
    path      text collate "C" not null,
    rev       bigint not null check (rev > 0),
    blob_id   bigint references blobs (id),
    size      bigint check (size >= 0),
    sha256    bytea check (length(sha256) = 32),
    etag      text collate "C",
    device_id text,
    modified  timestamptz not null,
    deleted   boolean not null default false,
    primary key (user_id, path, rev),
    constraint versions_shape check (
        (deleted and blob_id is null and sha256 is null)
        or (not deleted and blob_id is not null and size is not null and sha256 is not null
            and etag is not null))
);

-- The change journal a user's devices sync from, one row per committed change in seq order.
-- The primary key is the index /v1/changes reads ("seq > cursor order by seq").
create table journal (
    user_id   text collate "C" not null references users (id),
    seq       bigint not null check (seq > 0),
    op        text not null check (op in ('put', 'delete')),
    path      text collate "C" not null,
    rev       bigint not null check (rev > 0),
    size      bigint,
    sha256    bytea,
    etag      text collate "C",
    device_id text,
    ts        timestamptz not null,
    primary key (user_id, seq)
);
