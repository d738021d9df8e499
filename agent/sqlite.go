package agent

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// SQLiteCheckpointer keeps checkpoints in a SQLite database file (pure Go,
// no cgo), in write-ahead-log mode with synchronous=NORMAL: every Put and
// PutWrites is one transaction, so a process killed at any instant (even
// SIGKILL) leaves the last committed checkpoint intact; a power cut may lose
// the last few commits but never corrupts the file. Each row carries a
// CRC-32C of its contents, so a damaged row is reported as
// ErrCorruptCheckpoint instead of being resumed from.
//
// It is safe for concurrent use; several processes may share the file
// (writers wait up to 5 s for each other).
type SQLiteCheckpointer struct {
	db       *sql.DB
	put      *sql.Stmt
	putWrite *sql.Stmt
}

const sqliteSchemaVersion = 1

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS checkpoints (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	thread   TEXT    NOT NULL,
	parent   TEXT    NOT NULL,
	step     INTEGER NOT NULL,
	meta     BLOB    NOT NULL,
	state    BLOB    NOT NULL,
	created  INTEGER NOT NULL,
	checksum INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checkpoints_by_thread ON checkpoints (thread, id);
CREATE TABLE IF NOT EXISTS writes (
	checkpoint INTEGER NOT NULL,
	task       INTEGER NOT NULL,
	node       TEXT    NOT NULL,
	writes     BLOB    NOT NULL,
	checksum   INTEGER NOT NULL,
	PRIMARY KEY (checkpoint, task)
);`

// checkpointMeta is the part of a Checkpoint stored as JSON in meta.
type checkpointMeta struct {
	Next          []Task `json:"next"`
	InterruptWhen string `json:"interrupt_when,omitempty"`
	InterruptNode string `json:"interrupt_node,omitempty"`
	Source        string `json:"source"`
}

// OpenSQLite opens (creating if needed) the checkpoint database at path.
// Close it when done.
func OpenSQLite(path string) (*SQLiteCheckpointer, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("agent: sqlite: unusable database path %q", path)
	}
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("agent: sqlite: %w", err)
	}
	// One connection: the engine writes from one goroutine per run and
	// SQLite serialises writers anyway; this keeps SQLITE_BUSY out of a
	// single process.
	db.SetMaxOpenConns(1)
	s := &SQLiteCheckpointer{db: db}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("agent: sqlite %s: %w", path, err)
	}
	return s, nil
}

func (s *SQLiteCheckpointer) init() error {
	var version int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version != 0 && version != sqliteSchemaVersion {
		return fmt.Errorf("schema version %d, this build reads version %d", version, sqliteSchemaVersion)
	}
	if _, err := s.db.Exec(sqliteSchema); err != nil {
		return err
	}
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqliteSchemaVersion)); err != nil {
		return err
	}
	var err error
	if s.put, err = s.db.Prepare(`INSERT INTO checkpoints (thread, parent, step, meta, state, created, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)`); err != nil {
		return err
	}
	s.putWrite, err = s.db.Prepare(`INSERT OR REPLACE INTO writes (checkpoint, task, node, writes, checksum)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM checkpoints WHERE id = ? AND thread = ?)`)
	return err
}

// Close closes the database.
func (s *SQLiteCheckpointer) Close() error {
	return errors.Join(s.put.Close(), s.putWrite.Close(), s.db.Close())
}

// Put implements Checkpointer.
func (s *SQLiteCheckpointer) Put(ctx context.Context, cp Checkpoint, writes []TaskWrites) (string, error) {
	meta, err := json.Marshal(checkpointMeta{Next: cp.Next, InterruptWhen: cp.InterruptWhen, InterruptNode: cp.InterruptNode, Source: cp.Source})
	if err != nil {
		return "", fmt.Errorf("agent: sqlite: %w", err)
	}
	created := time.Now().UnixNano()
	sum := checkpointChecksum(cp.Thread, cp.Parent, int64(cp.Step), created, meta, cp.State)
	args := []any{cp.Thread, cp.Parent, cp.Step, meta, cp.State, created, sum}
	if len(writes) == 0 {
		res, err := s.put.ExecContext(ctx, args...)
		if err != nil {
			return "", fmt.Errorf("agent: sqlite: saving a checkpoint of thread %q: %w", cp.Thread, err)
		}
		id, err := res.LastInsertId()
		return strconv.FormatInt(id, 10), err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("agent: sqlite: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.StmtContext(ctx, s.put).ExecContext(ctx, args...)
	if err != nil {
		return "", fmt.Errorf("agent: sqlite: saving a checkpoint of thread %q: %w", cp.Thread, err)
	}
	n, err := res.LastInsertId()
	if err != nil {
		return "", err
	}
	id := strconv.FormatInt(n, 10)
	for _, w := range writes {
		if err := s.writeTask(ctx, tx.StmtContext(ctx, s.putWrite), cp.Thread, id, w); err != nil {
			return "", err
		}
	}
	return id, tx.Commit()
}

// PutWrites implements Checkpointer.
func (s *SQLiteCheckpointer) PutWrites(ctx context.Context, thread, id string, w TaskWrites) error {
	return s.writeTask(ctx, s.putWrite, thread, id, w)
}

func (s *SQLiteCheckpointer) writeTask(ctx context.Context, stmt *sql.Stmt, thread, id string, w TaskWrites) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q in thread %q", ErrNoCheckpoint, id, thread)
	}
	blob, err := json.Marshal(w.Writes)
	if err != nil {
		return fmt.Errorf("agent: sqlite: %w", err)
	}
	res, err := stmt.ExecContext(ctx, n, w.Task, w.Node, blob, writesChecksum(n, w.Task, w.Node, blob), n, thread)
	if err != nil {
		return fmt.Errorf("agent: sqlite: saving writes of task %d (%s): %w", w.Task, w.Node, err)
	}
	if rows, err := res.RowsAffected(); err == nil && rows == 0 {
		return fmt.Errorf("%w: %q in thread %q", ErrNoCheckpoint, id, thread)
	}
	return nil
}

// Get implements Checkpointer.
func (s *SQLiteCheckpointer) Get(ctx context.Context, thread, id string) (Checkpoint, []TaskWrites, error) {
	var row *sql.Row
	if id == "" {
		row = s.db.QueryRowContext(ctx, `SELECT id, parent, step, meta, state, created, checksum FROM checkpoints WHERE thread = ? ORDER BY id DESC LIMIT 1`, thread)
	} else {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return Checkpoint{}, nil, fmt.Errorf("%w: %q in thread %q", ErrNoCheckpoint, id, thread)
		}
		row = s.db.QueryRowContext(ctx, `SELECT id, parent, step, meta, state, created, checksum FROM checkpoints WHERE thread = ? AND id = ?`, thread, n)
	}
	var (
		n, step, created int64
		sum              uint32
		parent           string
		meta, state      []byte
	)
	switch err := row.Scan(&n, &parent, &step, &meta, &state, &created, &sum); {
	case errors.Is(err, sql.ErrNoRows) && id == "":
		return Checkpoint{}, nil, fmt.Errorf("%w: thread %q has none", ErrNoCheckpoint, thread)
	case errors.Is(err, sql.ErrNoRows):
		return Checkpoint{}, nil, fmt.Errorf("%w: %q in thread %q", ErrNoCheckpoint, id, thread)
	case err != nil:
		return Checkpoint{}, nil, fmt.Errorf("%w: thread %q checkpoint %s: unreadable row: %w", ErrCorruptCheckpoint, thread, id, err)
	}
	cp := Checkpoint{Thread: thread, ID: strconv.FormatInt(n, 10), Parent: parent, Step: int(step), State: state, Created: time.Unix(0, created)}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: thread %q checkpoint %s: %s", ErrCorruptCheckpoint, thread, cp.ID, fmt.Sprintf(format, args...))
	}
	if got := checkpointChecksum(thread, parent, step, created, meta, state); got != sum {
		return cp, nil, corrupt("checksum %08x, stored %08x", got, sum)
	}
	var m checkpointMeta
	if err := json.Unmarshal(meta, &m); err != nil {
		return cp, nil, corrupt("metadata: %v", err)
	}
	cp.Next, cp.InterruptWhen, cp.InterruptNode, cp.Source = m.Next, m.InterruptWhen, m.InterruptNode, m.Source
	writes, err := s.taskWrites(ctx, n)
	if err != nil {
		return cp, nil, corrupt("%v", err)
	}
	return cp, writes, nil
}

func (s *SQLiteCheckpointer) taskWrites(ctx context.Context, checkpoint int64) ([]TaskWrites, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT task, node, writes, checksum FROM writes WHERE checkpoint = ? ORDER BY task`, checkpoint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TaskWrites
	for rows.Next() {
		var (
			w    TaskWrites
			blob []byte
			sum  uint32
		)
		if err := rows.Scan(&w.Task, &w.Node, &blob, &sum); err != nil {
			return nil, fmt.Errorf("unreadable task writes: %w", err)
		}
		if got := writesChecksum(checkpoint, w.Task, w.Node, blob); got != sum {
			return nil, fmt.Errorf("writes of task %d (%s): checksum %08x, stored %08x", w.Task, w.Node, got, sum)
		}
		if err := json.Unmarshal(blob, &w.Writes); err != nil {
			return nil, fmt.Errorf("writes of task %d (%s): %w", w.Task, w.Node, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// List implements Checkpointer.
func (s *SQLiteCheckpointer) List(ctx context.Context, thread string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM checkpoints WHERE thread = ? ORDER BY id DESC`, thread)
	if err != nil {
		return nil, fmt.Errorf("agent: sqlite: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("agent: sqlite: %w", err)
		}
		ids = append(ids, strconv.FormatInt(n, 10))
	}
	return ids, rows.Err()
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checkpointChecksum covers every stored column but the ID, each field
// length-prefixed so that bytes cannot move between fields unnoticed.
func checkpointChecksum(thread, parent string, step, created int64, meta, state []byte) uint32 {
	h := crc32.New(castagnoli)
	var buf [8]byte
	for _, part := range [][]byte{[]byte(thread), []byte(parent), meta, state} {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(part)))
		h.Write(buf[:])
		h.Write(part)
	}
	for _, v := range []int64{step, created} {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	return h.Sum32()
}

func writesChecksum(checkpoint int64, task int, node string, blob []byte) uint32 {
	h := crc32.New(castagnoli)
	var buf [8]byte
	for _, v := range []int64{checkpoint, int64(task), int64(len(node)), int64(len(blob))} {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	h.Write([]byte(node))
	h.Write(blob)
	return h.Sum32()
}
