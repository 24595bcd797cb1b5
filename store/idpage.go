package store

// IDPage returns up to limit documents whose ids start with prefix, in id
// order (descending with desc), after the id after ("" starts at the
// beginning). The primary key orders ids, so a page reads only itself:
// collections keyed by a name (log groups, alarms, parameters) list in name
// order this way.
func (c Collection[T]) IDPage(tx *Tx, sc Scope, prefix, after string, desc bool, limit int) ([]Item[T], error) {
	query := `SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND id >= ? AND id < ?`
	// No UTF-8 string has the byte 0xff: prefix+"\xff" is above every id that starts with prefix.
	args := []any{c.Kind, sc.Account, sc.Region, prefix, prefix + "\xff"}
	order := " ORDER BY id"
	if desc {
		order = " ORDER BY id DESC"
	}
	if after != "" {
		if desc {
			query += " AND id < ?"
		} else {
			query += " AND id > ?"
		}
		args = append(args, after)
	}
	query += order
	if limit > 0 {
		query += " LIMIT ?"
		args = append(args, limit)
	}
	return c.items(tx.query(query, args...))
}
