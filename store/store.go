// Package store keeps Longshore's state in SQLite (modernc.org/sqlite, no cgo):
// in memory by default, in a file when asked. Writes are serialized through one
// connection, so concurrent writers never lose an update; each transaction
// carries one fixed Now.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the database behind every service.
type Store struct {
	w, r *sql.DB
	// wmu serializes writers; readers use their own connections (WAL).
	wmu sync.Mutex
	// ephemeral is the file of an in-memory store, removed on Close.
	ephemeral string
	// stmts caches prepared statements per pool: SQLite parses each query once.
	stmts [2]stmtCache
	// Now is the clock for transactions; tests may replace it.
	Now func() time.Time

	hookMu   sync.Mutex
	onWrite  []func()
	onChange []func([]Change)
	feed     changeFeed
}

// Open opens the database at path and migrates it. An empty path keeps the
// state in memory: a database in /dev/shm (a memory file system; the temp
// directory where there is none) that Close removes. Either way the database
// runs in WAL mode, so reads never wait for a write transaction.
func Open(path string) (*Store, error) {
	s := &Store{Now: func() time.Time { return time.Now().UTC() }}
	if path == "" {
		dir := "/dev/shm"
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			dir = os.TempDir()
		}
		f, err := os.CreateTemp(dir, "longshore-*.db")
		if err != nil {
			return nil, err
		}
		f.Close()
		path, s.ephemeral = f.Name(), f.Name()
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	if s.ephemeral != "" {
		// Nothing to keep across a crash: skip fsyncs.
		q.Add("_pragma", "synchronous(OFF)")
	} else {
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	var err error
	if s.w, err = sql.Open("sqlite", dsn); err != nil {
		s.removeEphemeral()
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	if s.r, err = sql.Open("sqlite", dsn); err != nil {
		s.w.Close()
		s.removeEphemeral()
		return nil, err
	}
	s.r.SetMaxOpenConns(4)
	s.r.SetMaxIdleConns(4)
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database (and removes an in-memory one).
func (s *Store) Close() error {
	s.stmts[0].close()
	s.stmts[1].close()
	err := s.w.Close()
	if e := s.r.Close(); err == nil {
		err = e
	}
	s.removeEphemeral()
	return err
}

func (s *Store) removeEphemeral() {
	if s.ephemeral != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(s.ephemeral + suffix)
		}
	}
}

// OnWrite registers fn to run after every committed write transaction.
func (s *Store) OnWrite(fn func()) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.onWrite = append(s.onWrite, fn)
}

func (s *Store) migrate() error {
	if _, err := s.w.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := s.w.QueryRow(`SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.w.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// stmtCache holds a pool's prepared statements by query text.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStatements bounds the cache; queries built with variable IN lists
// beyond it are prepared each time.
const maxCachedStatements = 256

func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[query]
	return st, ok || len(c.m) >= maxCachedStatements
}

// prepare adds statements to the cache. It runs after a transaction has
// released its connection: the writer pool has only one.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB, queries []string) {
	for _, q := range queries {
		if _, known := c.lookup(q); known {
			continue
		}
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue // the query ran unprepared; it will again
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		if _, ok := c.m[q]; ok {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

func (t *Tx) pool() (*sql.DB, *stmtCache) {
	if t.write {
		return t.store.w, &t.store.stmts[1]
	}
	return t.store.r, &t.store.stmts[0]
}

// stmt returns the transaction's form of a cached statement, or nil to run
// the query unprepared (and prepare it once the transaction is over).
func (t *Tx) stmt(query string) *sql.Stmt {
	_, cache := t.pool()
	st, known := cache.lookup(query)
	if st != nil {
		return t.tx.StmtContext(t.ctx, st)
	}
	if !known {
		t.unprepared = append(t.unprepared, query)
	}
	return nil
}

// Tx is one transaction. Every row it writes sees the same Now. It begins
// lazily, at its first statement, so that requests which never touch the
// database pay nothing for it.
type Tx struct {
	store  *Store
	tx     *sql.Tx
	ctx    context.Context
	Now    time.Time
	write  bool
	wrote  bool
	locked bool
	// unprepared are queries this transaction ran without a cached statement.
	unprepared []string
	// changes are the documents written, for OnChange (recorded only while someone listens).
	changes []Change
}

// begin opens the SQL transaction on first use.
func (t *Tx) begin() error {
	if t.tx != nil {
		return nil
	}
	s := t.store
	db, opts := s.r, &sql.TxOptions{ReadOnly: true}
	if t.write {
		// One writer at a time.
		s.wmu.Lock()
		t.locked = true
		db, opts = s.w, nil
	}
	tx, err := db.BeginTx(t.ctx, opts)
	if err != nil {
		t.unlock()
		return err
	}
	t.tx = tx
	return nil
}

func (t *Tx) unlock() {
	if t.locked {
		t.locked = false
		t.store.wmu.Unlock()
	}
}

// finish commits (when commit is true) or rolls back, releases the writer,
// and prepares the statements the transaction ran unprepared.
func (t *Tx) finish(commit bool) error {
	if t.tx == nil {
		t.unlock()
		return nil
	}
	var err error
	if commit {
		err = t.tx.Commit()
	} else {
		err = t.tx.Rollback()
	}
	if len(t.unprepared) > 0 {
		db, cache := t.pool()
		cache.prepare(context.Background(), db, t.unprepared)
	}
	t.unlock()
	return err
}

// Write runs fn in a write transaction, committing when fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	t := &Tx{store: s, ctx: ctx, Now: s.Now(), write: true}
	if err := fn(t); err != nil {
		t.finish(false)
		return err
	}
	if err := t.finish(true); err != nil {
		return err
	}
	if t.wrote {
		s.notify()
		s.publish(t.changes)
	}
	return nil
}

// Read runs fn in a read-only transaction.
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	t := &Tx{store: s, ctx: ctx, Now: s.Now()}
	defer t.finish(false)
	return fn(t)
}

func (s *Store) notify() {
	s.hookMu.Lock()
	hooks := s.onWrite
	s.hookMu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}

// Reset deletes all state, keeping the schema.
func (s *Store) Reset(ctx context.Context) error {
	return s.Write(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'`)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			tables = append(tables, n)
		}
		rows.Close()
		tx.record(Change{})
		for _, t := range tables {
			if _, err := tx.exec(`DELETE FROM "` + strings.ReplaceAll(t, `"`, ``) + `"`); err != nil {
				return err
			}
		}
		return nil
	})
}

// exec runs a statement in the transaction.
func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	if !t.write {
		return nil, fmt.Errorf("store: write in a read transaction")
	}
	if err := t.begin(); err != nil {
		return nil, err
	}
	t.wrote = true
	if st := t.stmt(query); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, query, args...)
}

// query runs a query in the transaction.
func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if err := t.begin(); err != nil {
		return nil, err
	}
	if st := t.stmt(query); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

// queryRow runs a single-row query in the transaction.
func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	if err := t.begin(); err != nil {
		// A closed context makes the row report the failure on Scan.
		ctx, cancel := context.WithCancel(t.ctx)
		cancel()
		return t.store.r.QueryRowContext(ctx, "SELECT 1")
	}
	if st := t.stmt(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict:
// "ok" for a sound database.
func (s *Store) IntegrityCheck() (string, error) {
	var out string
	err := s.w.QueryRow(`PRAGMA integrity_check`).Scan(&out)
	return out, err
}
