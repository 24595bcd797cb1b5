package store

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Scopes lists the accounts and regions that hold documents of any of kinds,
// ordered by account and region. It seeks from one scope to the next through
// resources_kind, so it costs about the number of scopes, however many
// documents each holds (the background loops ask at every pass).
func Scopes(tx *Tx, kinds ...string) ([]Scope, error) {
	var out []Scope
	seen := map[Scope]bool{}
	first := func(query string, args []any) (sc Scope, ok bool, err error) {
		err = tx.queryRow(query, args...).Scan(&sc.Account, &sc.Region)
		if err == sql.ErrNoRows {
			return sc, false, nil
		}
		return sc, err == nil, err
	}
	for _, k := range kinds {
		sc, ok, err := first(nextScopeQuery(k, nil, false))
		for ok && err == nil {
			account := sc
			// Every region of the account, then the next account.
			for ok && err == nil {
				if !seen[sc] {
					seen[sc] = true
					out = append(out, sc)
				}
				account = sc
				sc, ok, err = first(nextScopeQuery(k, &account, true))
			}
			if err == nil {
				sc, ok, err = first(nextScopeQuery(k, &account, false))
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if len(kinds) > 1 {
		sort.Slice(out, func(i, j int) bool {
			if out[i].Account != out[j].Account {
				return out[i].Account < out[j].Account
			}
			return out[i].Region < out[j].Region
		})
	}
	return out, nil
}

// nextScopeQuery finds the first scope holding kind after a scope (nil: the
// first of all): in its account (sameAccount) or in a later one. Each is one
// seek; a row value (account, region) > (?, ?) would seek the account only
// and read all of its entries.
func nextScopeQuery(kind string, after *Scope, sameAccount bool) (string, []any) {
	switch {
	case after == nil:
		return `SELECT account, region FROM resources WHERE kind = ? ORDER BY account, region LIMIT 1`, []any{kind}
	case sameAccount:
		return `SELECT account, region FROM resources WHERE kind = ? AND account = ? AND region > ? ORDER BY region LIMIT 1`,
			[]any{kind, after.Account, after.Region}
	}
	return `SELECT account, region FROM resources WHERE kind = ? AND account > ? ORDER BY account, region LIMIT 1`, []any{kind, after.Account}
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
