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
	// wmu serializes writers (and, in memory, every transaction: one connection).
	wmu sync.Mutex
	// Now is the clock for transactions; tests may replace it.
	Now func() time.Time

	hookMu  sync.Mutex
	onWrite []func()
}

// Open opens the database at path, or an in-memory one when path is empty, and migrates it.
func Open(path string) (*Store, error) {
	s := &Store{Now: func() time.Time { return time.Now().UTC() }}
	var err error
	if path == "" {
		// One connection: an in-memory database lives and dies with it.
		s.w, err = sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
		if err != nil {
			return nil, err
		}
		s.w.SetMaxOpenConns(1)
		s.w.SetMaxIdleConns(1)
		s.w.SetConnMaxLifetime(0)
		s.r = s.w
	} else {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Set("_txlock", "immediate")
		dsn := "file:" + path + "?" + q.Encode()
		if s.w, err = sql.Open("sqlite", dsn); err != nil {
			return nil, err
		}
		s.w.SetMaxOpenConns(1)
		if s.r, err = sql.Open("sqlite", dsn); err != nil {
			s.w.Close()
			return nil, err
		}
		s.r.SetMaxOpenConns(4)
	}
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
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
	tx     *sql.Tx
	ctx    context.Context
	Now    time.Time
	write  bool
	wrote  bool
	locked bool
}

// begin opens the SQL transaction on first use.
func (t *Tx) begin() error {
	if t.tx != nil {
		return nil
	}
	s := t.store
	if t.write || s.r == s.w {
		// One writer at a time; the in-memory database also shares its one connection with readers.
		s.wmu.Lock()
		t.locked = true
	}
	db, opts := s.w, (*sql.TxOptions)(nil)
	if !t.write && s.r != s.w {
		db, opts = s.r, &sql.TxOptions{ReadOnly: true}
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

// finish commits (when commit is true) or rolls back, and releases the writer.
func (t *Tx) finish(commit bool) error {
	defer t.unlock()
	if t.tx == nil {
		return nil
	}
	if commit {
		return t.tx.Commit()
	}
	return t.tx.Rollback()
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
		rows, err := tx.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'`)
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
		for _, t := range tables {
			if _, err := tx.Exec(`DELETE FROM "` + strings.ReplaceAll(t, `"`, ``) + `"`); err != nil {
				return err
			}
		}
		return nil
	})
}

// Exec runs a statement in the transaction (for repositories with tables of their own).
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if !t.write {
		return nil, fmt.Errorf("store: write in a read transaction")
	}
	if err := t.begin(); err != nil {
		return nil, err
	}
	t.wrote = true
	return t.tx.ExecContext(t.ctx, query, args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if err := t.begin(); err != nil {
		return nil, err
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

// QueryRow runs a single-row query in the transaction.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	if err := t.begin(); err != nil {
		// A closed context makes the row report the failure on Scan.
		ctx, cancel := context.WithCancel(t.ctx)
		cancel()
		return t.store.r.QueryRowContext(ctx, "SELECT 1")
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}
