package store

// IDPage returns up to limit documents whose ids start with prefix, in id
// order (descending with desc), after the id after ("" starts at the
// beginning). The primary key orders ids, so a page reads only itself:
// collections keyed by a name (log groups, alarms, parameters) list in name
// order this way.
func (c Collection[T]) IDPage(tx *Tx, sc Scope, prefix, after string, desc bool, limit int) ([]Item[T], error) {
	// No UTF-8 string has the byte 0xff: prefix+"\xff" is above every id that starts with prefix.
	lower, lo := "id >= ?", prefix
	upper, hi := "id < ?", prefix+"\xff"
	// The token's id replaces the bound it is past, rather than adding a
	// second bound on id: SQLite seeks the key by one lower and one upper
	// bound, and given two it may start from the prefix and read every id
	// before the token.
	if after != "" {
		if desc && after < hi {
			hi = after
		} else if !desc && after >= lo {
			lower, lo = "id > ?", after
		}
	}
	query := `SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND ` + lower + ` AND ` + upper
	args := []any{c.Kind, sc.Account, sc.Region, lo, hi}
	if desc {
		query += " ORDER BY id DESC"
	} else {
		query += " ORDER BY id"
	}
	if limit > 0 {
		query += " LIMIT ?"
		args = append(args, limit)
	}
	return c.items(tx.query(query, args...))
}
