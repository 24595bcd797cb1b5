package store

// IDPage returns up to limit documents whose ids start with prefix, in id
// order (descending with desc), after the id after ("" starts at the
// beginning). The primary key orders ids, so a page reads only itself:
// collections keyed by a name (log groups, alarms, parameters) list in name
// order this way.
func (c Collection[T]) IDPage(tx *Tx, sc Scope, prefix, after string, desc bool, limit int) ([]Item[T], error) {
	bounds, args := prefixRange("id", prefix, after, desc)
	query := `SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND ` + bounds
	args = append([]any{c.Kind, sc.Account, sc.Region}, args...)
	if desc {
		query += " ORDER BY id DESC"
	} else {
		query += " ORDER BY id"
	}
	query, args = withLimit(query, args, limit)
	return c.items(tx.query(query, args...))
}

// prefixRange is the condition on col (the key or an indexed column) that
// keeps the values starting with prefix and past the position after (below
// it with desc; "" is none), with its arguments. The position replaces the bound it is past rather than adding a second
// bound: SQLite seeks by one lower and one upper bound, and given two it
// may start from the prefix and read every value before the position.
func prefixRange(col, prefix, after string, desc bool) (string, []any) {
	lower, lo := col+" >= ?", prefix
	hi := prefixEnd(prefix)
	if after != "" {
		if desc && after < hi {
			hi = after
		} else if !desc && after >= lo {
			lower, lo = col+" > ?", after
		}
	}
	return lower + " AND " + col + " < ?", []any{lo, hi}
}

// prefixEnd is an upper bound of the values that start with prefix, below
// every value past them: no UTF-8 string has the byte 0xff.
func prefixEnd(prefix string) string { return prefix + "\xff" }

// withLimit adds a LIMIT to a query when limit is positive.
func withLimit(query string, args []any, limit int) (string, []any) {
	if limit > 0 {
		return query + " LIMIT ?", append(args, limit)
	}
	return query, args
}
