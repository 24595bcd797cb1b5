package store

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// conn is a SQLite connection the store keeps for its whole life, with the
// statements prepared on it. A transaction runs BEGIN, its statements and
// COMMIT as prepared statements on one held connection: no pool checkout,
// and no goroutine per transaction or per statement, which database/sql's
// transactions and the driver start whenever the context can be cancelled.
// Cancellation is checked between statements instead.
type conn struct {
	c     *sql.Conn
	stmts map[string]*sql.Stmt
}

// maxCachedStatements bounds a connection's statements; queries built with
// variable IN lists beyond it run unprepared.
const maxCachedStatements = 256

func hold(db *sql.DB) (*conn, error) {
	c, err := db.Conn(context.Background())
	if err != nil {
		return nil, err
	}
	return &conn{c: c, stmts: map[string]*sql.Stmt{}}, nil
}

// stmt returns the prepared form of query, or nil to run it unprepared.
func (c *conn) stmt(query string) *sql.Stmt {
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil
	}
	st, err := c.c.PrepareContext(context.Background(), query)
	if err != nil {
		return nil // running it unprepared reports the error
	}
	c.stmts[query] = st
	return st
}

func (c *conn) exec(query string, args ...any) (sql.Result, error) {
	if st := c.stmt(query); st != nil {
		return st.ExecContext(context.Background(), args...)
	}
	return c.c.ExecContext(context.Background(), query, args...)
}

func (c *conn) query(query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(query); st != nil {
		return st.QueryContext(context.Background(), args...)
	}
	return c.c.QueryContext(context.Background(), query, args...)
}

func (c *conn) queryRow(query string, args ...any) *sql.Row {
	if st := c.stmt(query); st != nil {
		return st.QueryRowContext(context.Background(), args...)
	}
	return c.c.QueryRowContext(context.Background(), query, args...)
}

func (c *conn) close() {
	for _, st := range c.stmts {
		st.Close()
	}
	c.c.Close()
}

// readers holds the read connections: idle ones, and a token for each that
// may still be opened.
type readers struct {
	idle   chan *conn
	slots  chan struct{}
	closed atomic.Bool
}

const maxReaders = 4

func newReaders() *readers {
	r := &readers{idle: make(chan *conn, maxReaders), slots: make(chan struct{}, maxReaders)}
	for range maxReaders {
		r.slots <- struct{}{}
	}
	return r
}

// take returns an idle read connection, opening one while fewer than
// maxReaders exist, or waits for one.
func (r *readers) take(ctx context.Context, db *sql.DB) (*conn, error) {
	select {
	case c := <-r.idle:
		return c, nil
	default:
	}
	select {
	case c := <-r.idle:
		return c, nil
	case <-r.slots:
		c, err := hold(db)
		if err != nil {
			r.slots <- struct{}{}
		}
		return c, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// give returns a connection; once the store is closed it is closed instead.
func (r *readers) give(c *conn) {
	r.idle <- c
	if r.closed.Load() {
		r.drain()
	}
}

// drain closes the idle connections.
func (r *readers) drain() {
	for {
		select {
		case c := <-r.idle:
			c.close()
		default:
			return
		}
	}
}

func (r *readers) close() {
	r.closed.Store(true)
	r.drain()
}
