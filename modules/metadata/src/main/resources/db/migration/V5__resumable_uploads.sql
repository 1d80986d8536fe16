-- The state of tus resumable uploads, so that any node can take the next PATCH of an upload, and an
-- upload survives a restart.
--
-- user_id has no foreign key to users: a user's row is created by their first commit, and an
-- upload begins before anything of theirs is committed (it may be their very first file).
create table uploads (
    id              uuid primary key,
    user_id         text collate "C" not null,
    device_id       text,
    -- The target file. Partial uploads of a concatenation carry none; the final upload does.
    path            text collate "C",
    -- Null while the client defers the length (tus Upload-Defer-Length).
    length          bigint check (length >= 0),
    upload_offset   bigint not null default 0 check (upload_offset >= 0),
    kind            text not null check (kind in ('single', 'partial', 'final')),
    -- Opaque to this schema: the storage layer's in-progress state (multipart id, parts, tail).
    store_state     jsonb not null check (jsonb_typeof(store_state) = 'object'),
    -- Opaque to this schema: the upload layer's running digest, null until the first checkpoint.
    digest_state    bytea,
    blob_key        text collate "C" not null,
    -- The raw tus Upload-Metadata header, echoed back on HEAD.
    upload_metadata text,
    -- Null, '*' for If-None-Match: *, or the etag of an If-Match.
    precondition    text,
    on_conflict     text not null default 'fail' check (on_conflict in ('fail', 'copy')),
    -- The partial uploads a final upload concatenates, in order.
    partials        uuid[],
    -- Fixed at creation (tus Upload-Expires); a PATCH does not extend it.
    expires_at      timestamptz not null,
    created_at      timestamptz not null,
    -- The request writing the upload now, until lease_until (times from the database's clock).
    lease_owner     text,
    lease_until     timestamptz,
    -- The file revision the upload became, kept so that a client that lost the answer can ask.
    committed_etag  text collate "C",
    committed_rev   bigint check (committed_rev > 0),
    constraint uploads_offset_within_length check (length is null or upload_offset <= length),
    constraint uploads_lease_shape check ((lease_owner is null) = (lease_until is null)),
    constraint uploads_committed_shape check ((committed_etag is null) = (committed_rev is null)),
    constraint uploads_partials_shape check ((kind = 'final') = (partials is not null))
);

-- The expiry sweeper takes the oldest expired uploads first.
create index uploads_by_expiry on uploads (expires_at);
create index uploads_by_user on uploads (user_id);

-- The orphan sweeper asks whether a storage object still belongs to an upload in progress.
create index uploads_by_blob_key on uploads (blob_key);
create index uploads_by_tail_key on uploads ((store_state ->> 'tailKey'));
