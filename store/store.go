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
	// wmu serializes writers and guards wc, the writer's connection
	// (held from the first write); readers use their own connections (WAL).
	wmu sync.Mutex
	wc  *conn
	rc  *readers
	// cache holds documents read by id, for ReadCached.
	cache *docCache
	// ephemeral is the file of an in-memory store, removed on Close.
	ephemeral string
	// Now is the clock for transactions; tests may replace it.
	Now func() time.Time

	hookMu   sync.Mutex
	onWrite  []func()
	onChange []func([]Change)
	onCommit []func([]Change, bool)
	feed     changeFeed
}

// Open opens the database at path and migrates it. An empty path keeps the
// state in memory: a database in /dev/shm (a memory file system; the temp
// directory where there is none) that Close removes. Either way the database
// runs in WAL mode, so reads never wait for a write transaction.
func Open(path string) (*Store, error) {
	s := &Store{Now: func() time.Time { return time.Now().UTC() }, rc: newReaders(), cache: newDocCache()}
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
	// Reads map the database file rather than copy it page by page through
	// a system call each: a read transaction after any write starts with an
	// empty page cache, and one that reads more than the cache (a cluster's
	// tasks) reads every page again.
	q.Add("_pragma", "mmap_size(1073741824)")
	q.Set("_txlock", "immediate")
	if s.ephemeral != "" {
		// Only this process opens an in-memory store's file. unix-excl takes
		// the file's locks once for the process and coordinates this
		// process's connections in memory: a transaction takes no fcntl
		// lock (seven system calls per write transaction otherwise).
		q.Set("vfs", "unix-excl")
	}
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
	s.r.SetMaxOpenConns(maxReaders)
	s.r.SetMaxIdleConns(maxReaders)
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database (and removes an in-memory one).
func (s *Store) Close() error {
	s.wmu.Lock()
	if s.wc != nil {
		s.wc.close()
		s.wc = nil
	}
	s.wmu.Unlock()
	s.rc.close()
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

// Tx is one transaction. Every row it writes sees the same Now. It begins
// lazily, at its first statement, so that requests which never touch the
// database pay nothing for it.
type Tx struct {
	store  *Store
	c      *conn // nil until the first statement
	ctx    context.Context
	Now    time.Time
	write  bool
	wrote  bool
	locked bool
	// changes are the documents written, for OnChange (recorded only while
	// someone listens); unnamed is set by a write that no Change names.
	changes []Change
	unnamed bool
	// touched are the documents a write transaction put or deleted, which
	// its commit drops from the cache; cached is a ReadCached transaction's
	// use of it.
	touched []docKey
	cached  *readCache
}

// touch notes a document (or, with an empty id, a kind) the transaction writes.
func (t *Tx) touch(k docKey) { t.touched = append(t.touched, k) }

// begin opens the SQL transaction on first use; later it reports whether
// the transaction's context has ended, so that a cancelled request stops at
// its next statement.
func (t *Tx) begin() error {
	if t.c != nil {
		return t.ctx.Err()
	}
	if err := t.ctx.Err(); err != nil {
		return err
	}
	s := t.store
	if t.write {
		// One writer at a time.
		s.wmu.Lock()
		t.locked = true
		if s.wc == nil {
			c, err := hold(s.w)
			if err != nil {
				t.unlock()
				return err
			}
			s.wc = c
		}
		if _, err := s.wc.exec("BEGIN IMMEDIATE"); err != nil {
			t.unlock()
			return err
		}
		t.c = s.wc
		return nil
	}
	c, err := s.rc.take(t.ctx, s.r)
	if err != nil {
		return err
	}
	if _, err := c.exec("BEGIN"); err != nil {
		s.rc.give(c)
		return err
	}
	t.c = c
	return nil
}

func (t *Tx) unlock() {
	if t.locked {
		t.locked = false
		t.store.wmu.Unlock()
	}
}

// finish commits (when commit is true) or rolls back and releases the
// connection.
func (t *Tx) finish(commit bool) error {
	if t.c == nil {
		t.unlock()
		return nil
	}
	var err error
	if commit {
		if len(t.touched) > 0 {
			t.store.cache.beginCommit(t.touched)
			defer t.store.cache.endCommit()
		}
		if _, err = t.c.exec("COMMIT"); err != nil {
			t.c.exec("ROLLBACK") // a failed COMMIT may leave the transaction open
		}
	} else {
		_, err = t.c.exec("ROLLBACK")
	}
	if !t.write {
		t.store.rc.give(t.c)
	}
	t.c = nil
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
		s.publish(t.changes, !t.unnamed)
	}
	return nil
}

// Read runs fn in a read-only transaction.
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	t := &Tx{store: s, ctx: ctx, Now: s.Now()}
	defer t.finish(false)
	return fn(t)
}

// ReadCached is Read where Collection.Get may answer from the store's
// cache of documents, running no SQL. fn may run twice (when a document it
// took from the cache changed while it ran), so it must do nothing but read
// and return what it found.
func (s *Store) ReadCached(ctx context.Context, fn func(*Tx) error) error {
	g0 := s.cache.gen.Load()
	if g0%2 == 1 {
		return s.Read(ctx, fn) // a commit is under way
	}
	t := &Tx{store: s, ctx: ctx, Now: s.Now(), cached: &readCache{g0: g0}}
	err := fn(t)
	t.finish(false)
	rc := t.cached
	if s.cache.gen.Load() == g0 {
		if len(rc.fetched) > 0 {
			s.cache.fill(g0, rc.fetched)
		}
		return err
	}
	if len(rc.served) == 0 || !s.cache.changedSince(g0, rc.served) {
		return err
	}
	return s.Read(ctx, fn)
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
		tx.touch(docKey{})
		for _, t := range tables {
			if _, err := tx.exec(`DELETE FROM "` + strings.ReplaceAll(t, `"`, ``) + `"`); err != nil {
				return err
			}
		}
		return nil
	})
}

// exec runs a statement in the transaction whose writes no Change names
// (OnCommit learns that the transaction wrote more than its changes).
func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	t.unnamed = true
	return t.execNamed(query, args...)
}

// execNamed runs a statement whose writes the caller records as Changes.
func (t *Tx) execNamed(query string, args ...any) (sql.Result, error) {
	if !t.write {
		return nil, fmt.Errorf("store: write in a read transaction")
	}
	if err := t.begin(); err != nil {
		return nil, err
	}
	t.wrote = true
	return t.c.exec(query, args...)
}

// query runs a query in the transaction.
func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if err := t.begin(); err != nil {
		return nil, err
	}
	return t.c.query(query, args...)
}

// row is one row of a query, or the error that kept the query from running.
type row struct {
	r   *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dest...)
}

// queryRow runs a single-row query in the transaction.
func (t *Tx) queryRow(query string, args ...any) row {
	if err := t.begin(); err != nil {
		return row{err: err}
	}
	return row{r: t.c.queryRow(query, args...)}
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict:
// "ok" for a sound database.
func (s *Store) IntegrityCheck() (string, error) {
	var out string
	err := s.Read(context.Background(), func(tx *Tx) error { return tx.queryRow(`PRAGMA integrity_check`).Scan(&out) })
	return out, err
}
