package store

import (
	"database/sql"
	"fmt"
	"strings"
)

// Scopes lists the accounts and regions that hold documents of any of kinds,
// ordered by account and region.
func Scopes(tx *Tx, kinds ...string) ([]Scope, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	q := `SELECT DISTINCT account, region FROM resources WHERE kind = ? ORDER BY account, region`
	if len(kinds) > 1 {
		q = `SELECT DISTINCT account, region FROM resources WHERE kind IN (?` + strings.Repeat(",?", len(kinds)-1) + `) ORDER BY account, region`
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Scope
	for rows.Next() {
		var sc Scope
		if err := rows.Scan(&sc.Account, &sc.Region); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// Scopes lists the accounts and regions that hold documents of the collection.
func (c Collection[T]) Scopes(tx *Tx) ([]Scope, error) { return Scopes(tx, c.Kind) }

// Changes counts the rows changed through the store's writer since it
// opened, this transaction's included: two equal counts mean nothing was
// written in between. Only write transactions have it.
func (t *Tx) Changes() (int64, error) {
	if !t.write {
		return 0, fmt.Errorf("store: change count in a read transaction")
	}
	var n int64
	err := t.queryRow(`SELECT total_changes()`).Scan(&n)
	return n, err
}

// ScanRaw calls fn with the id and stored bytes of each document matching q,
// in creation order, without decoding them (q's paging fields are ignored).
// raw is valid only until fn returns.
func (c Collection[T]) ScanRaw(tx *Tx, sc Scope, q Query, fn func(id string, raw []byte) error) error {
	var sb strings.Builder
	sb.WriteString(`SELECT id, doc FROM resources WHERE `)
	args := c.filter(&sb, sc, q)
	sb.WriteString(" ORDER BY rowid")
	rows, err := tx.query(sb.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id string
	var raw sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		if err := fn(id, raw); err != nil {
			return err
		}
	}
	return rows.Err()
}
