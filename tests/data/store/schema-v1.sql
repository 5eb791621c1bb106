-- The first released store schema (version 1), as kiln 0.1's first migration created it,
-- with a node, a reported run (report, 3 artifacts) and a registered one. Frozen: the
-- upgrade tests (tests/orchestrator/store_upgrade_test.cpp on SQLite and PostgreSQL,
-- tests/packaging/package_test.sh through dpkg) migrate it and find every row.
CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL);
CREATE TABLE nodes (
  uuid TEXT PRIMARY KEY,
  asset_tag TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '',
  dmi_serial TEXT NOT NULL DEFAULT '',
  macs TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL DEFAULT '');
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  node_uuid TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  directive TEXT NOT NULL,
  stage TEXT NOT NULL DEFAULT '',
  progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  progress_seq BIGINT NOT NULL DEFAULT -1,
  verdict TEXT NOT NULL DEFAULT '',
  report TEXT NOT NULL DEFAULT '',
  driver_state TEXT NOT NULL,
  driver_error TEXT NOT NULL DEFAULT '',
  attempt BIGINT NOT NULL DEFAULT 1,
  acked_seq BIGINT NOT NULL DEFAULT -1,
  artifact_count BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_heartbeat TEXT NOT NULL DEFAULT '');
CREATE INDEX runs_by_node ON runs (node_uuid);
CREATE TABLE artifacts (
  run_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, seq));
INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2026-11-01T00:00:00Z');
INSERT INTO nodes (uuid, asset_tag, serial, macs, updated_at)
  VALUES ('node-a', 'PO-2026-0042', 'S-A', '["02:00:00:00:00:0a"]', '2026-11-01T00:00:00Z');
INSERT INTO runs (id, node_uuid, token_hash, state, directive, stage, verdict, report,
                  driver_state, acked_seq, artifact_count, created_at, updated_at)
  VALUES ('run-old-1', 'node-a', 'hash-1', 'reported', 'continue', 'inventory', 'PASS',
          '{"verdict":"PASS"}', 'done', 2, 3, '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z');
INSERT INTO runs (id, node_uuid, token_hash, state, directive, driver_state, created_at,
                  updated_at)
  VALUES ('run-old-2', 'node-a', 'hash-2', 'registered', 'continue', 'none',
          '2026-11-02T00:00:00Z', '2026-11-02T00:00:00Z');
INSERT INTO artifacts (run_id, seq, line) VALUES ('run-old-1', 0, '{"sequenceNumber":0}');
INSERT INTO artifacts (run_id, seq, line) VALUES ('run-old-1', 1, '{"sequenceNumber":1}');
INSERT INTO artifacts (run_id, seq, line) VALUES ('run-old-1', 2, '{"sequenceNumber":2}');
