package store

import (
	"database/sql"
	"strconv"
)

// AttrRange returns the documents whose Attr lies in [from, to), in Attr
// order (creation order within one Attr). resources_attr orders them, so it
// reads only those rows: a collection that keeps a due time in Attr finds
// what is due without reading the rest (CloudWatch's alarm evaluation).
func (c Collection[T]) AttrRange(tx *Tx, sc Scope, from, to string) ([]Item[T], error) {
	query, args := c.attrRangeQuery(sc, from, to)
	return c.items(tx.query(query, args...))
}

func (c Collection[T]) attrRangeQuery(sc Scope, from, to string) (string, []any) {
	return `SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND attr != '' AND attr >= ? AND attr < ? ORDER BY attr, rowid`,
		[]any{c.Kind, sc.Account, sc.Region, from, to}
}

// LastAttr returns, for each prefix, the greatest Attr that starts with it,
// or "" when no document's does: one statement, one entry of
// resources_attr per prefix, no document read. A collection that keeps a
// counter at the end of its Attr (ECS's revisions of a family, one prefix
// per status) finds the last one handed out without a record of its own.
func (c Collection[T]) LastAttr(tx *Tx, sc Scope, prefixes ...string) ([]string, error) {
	query, args := c.lastAttrQuery(sc, prefixes)
	found := make([]sql.NullString, len(prefixes))
	dest := make([]any, len(prefixes))
	for i := range found {
		dest[i] = &found[i]
	}
	if err := tx.queryRow(query, args...).Scan(dest...); err != nil {
		return nil, err
	}
	out := make([]string, len(prefixes))
	for i, f := range found {
		out[i] = f.String
	}
	return out, nil
}

func (c Collection[T]) lastAttrQuery(sc Scope, prefixes []string) (string, []any) {
	args := make([]any, 3, 3+2*len(prefixes))
	args[0], args[1], args[2] = c.Kind, sc.Account, sc.Region
	for _, prefix := range prefixes {
		args = append(args, prefix, prefixEnd(prefix))
	}
	return lastAttrSQL(len(prefixes)), args
}

// lastAttrSQLs holds LastAttr's statements for one to four prefixes, built
// once rather than on every call.
var lastAttrSQLs = func() (sqls [4]string) {
	for i := range sqls {
		sqls[i] = buildLastAttrSQL(i + 1)
	}
	return sqls
}()

func lastAttrSQL(n int) string {
	if n >= 1 && n <= len(lastAttrSQLs) {
		return lastAttrSQLs[n-1]
	}
	return buildLastAttrSQL(n)
}

// buildLastAttrSQL is LastAttr's statement for n prefixes: a seek of
// resources_attr for each, the kind and scope bound once as ?1 to ?3 and
// prefix i's range as ?(4+2i) and ?(5+2i).
func buildLastAttrSQL(n int) string {
	b := []byte("SELECT ")
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "(SELECT attr FROM resources WHERE kind = ?1 AND account = ?2 AND region = ?3 AND attr != '' AND attr >= ?"...)
		b = strconv.AppendInt(b, int64(4+2*i), 10)
		b = append(b, " AND attr < ?"...)
		b = strconv.AppendInt(b, int64(5+2*i), 10)
		b = append(b, " ORDER BY attr DESC LIMIT 1)"...)
	}
	return string(b)
}

// AttrValues returns up to limit distinct Attr values that start with prefix,
// in order, after the value after ("" starts at the beginning). It selects
// only attr, so SQLite answers from resources_attr alone and reads no
// document: a collection whose Attr is an owner followed by what it refers
// to (ELBv2 listeners: trust store, load balancer) pages the distinct
// referents of one owner however many documents the kind holds.
func (c Collection[T]) AttrValues(tx *Tx, sc Scope, prefix, after string, limit int) ([]string, error) {
	query, args := c.attrValuesQuery(sc, prefix, after, limit)
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var attr string
		if err := rows.Scan(&attr); err != nil {
			return nil, err
		}
		out = append(out, attr)
	}
	return out, rows.Err()
}

func (c Collection[T]) attrValuesQuery(sc Scope, prefix, after string, limit int) (string, []any) {
	bounds, args := prefixRange("attr", prefix, after, false)
	query := `SELECT DISTINCT attr FROM resources WHERE kind = ? AND account = ? AND region = ? AND attr != '' AND ` + bounds + ` ORDER BY attr`
	return withLimit(query, append([]any{c.Kind, sc.Account, sc.Region}, args...), limit)
}

// ParentPage returns up to limit documents whose Parent starts with prefix,
// in (Parent, creation) order, descending with desc, after the position
// (afterParent, afterSeq) of a document listed before (afterParent ""
// starts at the beginning). resources_parent_seq orders them, so a page
// reads only itself: a collection whose Parent is an owner followed by an
// order key pages one owner's documents in that order (CloudWatch's history
// of one alarm, newest first).
func (c Collection[T]) ParentPage(tx *Tx, sc Scope, prefix, afterParent string, afterSeq int64, desc bool, limit int) ([]Item[T], error) {
	query, args := c.columnPageQuery("parent", sc, prefix, afterParent, afterSeq, desc, limit)
	return c.items(tx.query(query, args...))
}

// NamePage is ParentPage on Name: documents whose Name starts with prefix,
// in (Name, creation) order, through resources_name. A collection whose
// Name is a filter's value followed by the listing's order key pages the
// documents of one value in that order (CloudWatch's alarms of one state
// in name order, its history of one type in time order). Where Names are
// unique, afterSeq math.MaxInt64 (ascending) continues after afterName
// itself.
func (c Collection[T]) NamePage(tx *Tx, sc Scope, prefix, afterName string, afterSeq int64, desc bool, limit int) ([]Item[T], error) {
	query, args := c.columnPageQuery("name", sc, prefix, afterName, afterSeq, desc, limit)
	return c.items(tx.query(query, args...))
}

// columnPageQuery is the statement of ParentPage and NamePage; col is
// parent or name, a column whose partial index (0017) ends in rowid.
func (c Collection[T]) columnPageQuery(col string, sc Scope, prefix, after string, afterSeq int64, desc bool, limit int) (string, []any) {
	// A position narrows the range the index seeks (as IDPage's, replacing
	// the bound it is past rather than adding a second one); documents of
	// its own value continue after its rowid.
	lo, hi, hiOp := prefix, prefixEnd(prefix), "<"
	tie := ""
	if after != "" {
		if desc {
			if after < hi {
				hi, hiOp = after, "<="
			}
			tie = ` AND (` + col + ` < ? OR rowid < ?)`
		} else {
			if after > lo {
				lo = after
			}
			tie = ` AND (` + col + ` > ? OR rowid > ?)`
		}
	}
	query := `SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND ` + col + ` != '' AND ` +
		col + ` >= ? AND ` + col + ` ` + hiOp + ` ?` + tie
	args := []any{c.Kind, sc.Account, sc.Region, lo, hi}
	if tie != "" {
		args = append(args, after, afterSeq)
	}
	if desc {
		query += ` ORDER BY ` + col + ` DESC, rowid DESC`
	} else {
		query += ` ORDER BY ` + col + `, rowid`
	}
	return withLimit(query, args, limit)
}

// AttrPage returns up to limit documents whose Attr starts with prefix, in
// Attr order, after the Attr after ("" starts at the beginning), as IDPage
// does with ids. resources_attr orders them, so a page reads only itself: a
// collection that keeps a group followed by a unique key in Attr (an SSM
// parameter's type and name) pages one group in key order.
func (c Collection[T]) AttrPage(tx *Tx, sc Scope, prefix, after string, limit int) ([]Item[T], error) {
	query, args := c.attrPageQuery(sc, prefix, after, limit)
	return c.items(tx.query(query, args...))
}

func (c Collection[T]) attrPageQuery(sc Scope, prefix, after string, limit int) (string, []any) {
	bounds, args := prefixRange("attr", prefix, after, false)
	query := `SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND attr != '' AND ` + bounds + ` ORDER BY attr, rowid`
	return withLimit(query, append([]any{c.Kind, sc.Account, sc.Region}, args...), limit)
}
