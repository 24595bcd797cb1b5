package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"strings"
)

// Scope keys a resource by account and region (IAM uses an empty region).
type Scope struct {
	Account string
	Region  string
}

// Index holds the columns a collection filters on besides its key.
type Index struct {
	Parent string // e.g. the cluster ARN of a service or task
	Name   string
	Status string
	Attr   string // one free column: a family, a startedBy, ...
}

// Codec turns documents into stored bytes and back. Unmarshal must not keep
// data, which is valid only until it returns.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// Collection is a typed set of documents of one kind. Documents are stored
// with Codec, or as encoding/json when it is nil.
type Collection[T any] struct {
	Kind  string
	Codec Codec
}

// Encode turns a document into its stored bytes.
func (c Collection[T]) Encode(v *T) ([]byte, error) {
	if c.Codec != nil {
		return c.Codec.Marshal(v)
	}
	return json.Marshal(v)
}

// Decode turns stored bytes back into a document.
func (c Collection[T]) Decode(data []byte) (*T, error) {
	v := new(T)
	var err error
	if c.Codec != nil {
		err = c.Codec.Unmarshal(data, v)
	} else {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Get loads the document with id, or returns nil when there is none.
func (c Collection[T]) Get(tx *Tx, sc Scope, id string) (*T, error) {
	key := docKey{kindScope{c.Kind, sc}, id}
	if rc := tx.cached; rc != nil {
		if doc, ok := tx.store.cache.get(key); ok {
			rc.served = append(rc.served, key)
			return c.Decode(doc)
		}
	}
	rows, err := tx.query(`SELECT doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND id = ?`,
		c.Kind, sc.Account, sc.Region, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	// The stored bytes are decoded where the driver holds them, uncopied.
	var doc sql.RawBytes
	if err := rows.Scan(&doc); err != nil {
		return nil, err
	}
	if rc := tx.cached; rc != nil && len(doc) <= maxCachedDoc {
		rc.fetched = append(rc.fetched, cachedDoc{key: key, doc: bytes.Clone(doc)})
	}
	return c.Decode(doc)
}

// Put inserts or replaces the document with id. A replaced row keeps its place in list order.
func (c Collection[T]) Put(tx *Tx, sc Scope, id string, ix Index, v *T) error {
	doc, err := c.Encode(v)
	if err != nil {
		return err
	}
	return c.PutDoc(tx, sc, id, ix, doc)
}

// PutDoc is Put of a document already encoded with the collection's codec,
// for a caller that uses the stored bytes again.
func (c Collection[T]) PutDoc(tx *Tx, sc Scope, id string, ix Index, doc []byte) error {
	// A replaced document whose index columns stay as they were (most
	// updates) rewrites only its row: SQLite rewrites the entries of every
	// index whose columns an UPDATE sets, whatever their values, and each is
	// a page more for the commit to write.
	tx.touch(docKey{kindScope{c.Kind, sc}, id})
	res, err := tx.execNamed(`INSERT INTO resources (kind, account, region, id, parent, name, status, attr, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, account, region, id) DO UPDATE SET doc = excluded.doc
		WHERE parent = excluded.parent AND name = excluded.name AND status = excluded.status AND attr = excluded.attr`,
		c.Kind, sc.Account, sc.Region, id, ix.Parent, ix.Name, ix.Status, ix.Attr, doc)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = c.moveIndex(tx, sc, id, ix, doc)
		}
	}
	if err == nil {
		tx.record(Change{Kind: c.Kind, Scope: sc, ID: id, Parent: ix.Parent})
	}
	return err
}

// indexColumnsQuery reads a document's index columns by its key.
const indexColumnsQuery = `SELECT parent, name, status, attr FROM resources WHERE kind = ? AND account = ? AND region = ? AND id = ?`

// moveIndex replaces the document with id, whose index columns differ from
// ix, setting only the columns that change: an UPDATE rewrites the entries
// of each index whose columns it sets, changed or not, so an alarm whose due
// time moves rewrites its attr entry alone, not its parent and name entries
// too.
func (c Collection[T]) moveIndex(tx *Tx, sc Scope, id string, ix Index, doc []byte) error {
	var was Index
	err := tx.queryRow(indexColumnsQuery, c.Kind, sc.Account, sc.Region, id).Scan(&was.Parent, &was.Name, &was.Status, &was.Attr)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(`UPDATE resources SET `)
	args := make([]any, 0, 9)
	for _, col := range []struct {
		name     string
		was, now string
	}{{"parent", was.Parent, ix.Parent}, {"name", was.Name, ix.Name}, {"status", was.Status, ix.Status}, {"attr", was.Attr, ix.Attr}} {
		if col.was != col.now {
			sb.WriteString(col.name + ` = ?, `)
			args = append(args, col.now)
		}
	}
	sb.WriteString(`doc = ? WHERE kind = ? AND account = ? AND region = ? AND id = ?`)
	args = append(args, doc, c.Kind, sc.Account, sc.Region, id)
	_, err = tx.execNamed(sb.String(), args...)
	return err
}

// Delete removes the document with id and reports whether it existed.
func (c Collection[T]) Delete(tx *Tx, sc Scope, id string) (bool, error) {
	tx.touch(docKey{kindScope{c.Kind, sc}, id})
	res, err := tx.execNamed(`DELETE FROM resources WHERE kind = ? AND account = ? AND region = ? AND id = ?`, c.Kind, sc.Account, sc.Region, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		tx.record(Change{Kind: c.Kind, Scope: sc, ID: id, Deleted: true})
	}
	return n > 0, nil
}

// Query selects documents of a collection. Empty fields do not filter.
type Query struct {
	Parent     string
	Name       string
	NamePrefix string
	Status     string
	Attr       string
	AfterSeq   int64 // continue after this position (from a pagination token)
	Limit      int   // 0 = no limit
	Desc       bool  // newest first
	// ByAttr lists in Attr order (descending with Desc) instead of creation
	// order, reading only the page through the attr index, and so only the
	// documents that have an Attr; AttrPrefix keeps the Attr values that
	// start with it and AttrAfter continues after one.
	ByAttr     bool
	AttrPrefix string
	AttrAfter  string
}

// Item is one listed document with its position, for pagination tokens.
type Item[T any] struct {
	Seq int64
	ID  string
	Doc *T
}

// List returns the documents matching q in creation order.
func (c Collection[T]) List(tx *Tx, sc Scope, q Query) ([]Item[T], error) {
	query, args := c.listQuery(sc, q)
	return c.items(tx.query(query, args...))
}

// listQuery is List's statement: q's page in creation order (the migrations
// give every filter an index that ends in rowid, so a page reads only itself).
func (c Collection[T]) listQuery(sc Scope, q Query) (string, []any) {
	var sb strings.Builder
	sb.WriteString(`SELECT rowid, id, doc FROM resources WHERE `)
	args := c.filter(&sb, sc, q)
	add := func(cond string, v any) {
		sb.WriteString(" AND " + cond)
		args = append(args, v)
	}
	if q.AfterSeq > 0 {
		if q.Desc {
			add("rowid < ?", q.AfterSeq)
		} else {
			add("rowid > ?", q.AfterSeq)
		}
	}
	if q.ByAttr && q.AttrAfter != "" {
		if q.Desc {
			add("attr < ?", q.AttrAfter)
		} else {
			add("attr > ?", q.AttrAfter)
		}
	}
	if q.ByAttr {
		if q.Desc {
			sb.WriteString(" ORDER BY attr DESC, rowid DESC")
		} else {
			sb.WriteString(" ORDER BY attr, rowid")
		}
	} else if q.Desc {
		sb.WriteString(" ORDER BY rowid DESC")
	} else {
		sb.WriteString(" ORDER BY rowid")
	}
	if q.Limit > 0 {
		sb.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}
	return sb.String(), args
}

// Exists reports whether a document matches q (ignoring its paging fields).
// It asks for no order, so SQLite stops at the first index entry that
// matches and decodes nothing: whether an ECS family has a revision of a
// status is one entry of resources_attr, where Count would read them all
// (and an order by creation would read them all to sort them).
func (c Collection[T]) Exists(tx *Tx, sc Scope, q Query) (bool, error) {
	query, args := c.existsQuery(sc, q)
	var one int
	err := tx.queryRow(query, args...).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

func (c Collection[T]) existsQuery(sc Scope, q Query) (string, []any) {
	var sb strings.Builder
	sb.WriteString(`SELECT 1 FROM resources WHERE `)
	args := c.filter(&sb, sc, q)
	sb.WriteString(` LIMIT 1`)
	return sb.String(), args
}

// Count returns how many documents match q (ignoring its paging fields).
func (c Collection[T]) Count(tx *Tx, sc Scope, q Query) (int, error) {
	var sb strings.Builder
	sb.WriteString(`SELECT count(*) FROM resources WHERE `)
	args := c.filter(&sb, sc, q)
	var n int
	err := tx.queryRow(sb.String(), args...).Scan(&n)
	return n, err
}

// CountByStatus counts the documents matching q (ignoring its paging fields
// and its Status) by their Status column, in one statement.
func (c Collection[T]) CountByStatus(tx *Tx, sc Scope, q Query) (map[string]int, error) {
	query, args := c.countByStatusQuery(sc, q)
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		out[status] = n
	}
	return out, rows.Err()
}

func (c Collection[T]) countByStatusQuery(sc Scope, q Query) (string, []any) {
	var sb strings.Builder
	sb.WriteString(`SELECT status, count(*) FROM resources WHERE `)
	q.Status = ""
	args := c.filter(&sb, sc, q)
	sb.WriteString(" GROUP BY status")
	return sb.String(), args
}

// filter writes the conditions List and Count share (kind, scope and the
// query's column filters) and returns their arguments.
func (c Collection[T]) filter(sb *strings.Builder, sc Scope, q Query) []any {
	sb.WriteString(`kind = ? AND account = ? AND region = ?`)
	args := []any{c.Kind, sc.Account, sc.Region}
	for _, f := range []struct{ col, v string }{{"parent", q.Parent}, {"name", q.Name}, {"status", q.Status}, {"attr", q.Attr}} {
		if f.v != "" {
			sb.WriteString(" AND " + f.col + " = ?")
			args = append(args, f.v)
		}
	}
	// The indexes on parent, name and attr hold only non-empty values
	// (migration 0017): a query may use one only when its WHERE names the
	// index's own condition.
	if q.Parent != "" {
		sb.WriteString(" AND parent != ''")
	}
	if q.Name != "" {
		sb.WriteString(" AND name != ''")
	}
	if q.Attr != "" || q.ByAttr || q.AttrPrefix != "" {
		sb.WriteString(" AND attr != ''")
	}
	if q.NamePrefix != "" {
		sb.WriteString(" AND substr(name, 1, ?) = ?")
		args = append(args, len(q.NamePrefix), q.NamePrefix)
	}
	if q.AttrPrefix != "" {
		sb.WriteString(" AND attr >= ? AND attr < ?")
		args = append(args, q.AttrPrefix, prefixEnd(q.AttrPrefix))
	}
	return args
}

// Range returns the documents whose ids lie in [fromID, toID), in id order.
// It reads only those rows (the primary key orders ids), so collections that
// key documents by a sortable suffix (a time) can read one span of them.
func (c Collection[T]) Range(tx *Tx, sc Scope, fromID, toID string) ([]Item[T], error) {
	return c.items(tx.query(`SELECT rowid, id, doc FROM resources WHERE kind = ? AND account = ? AND region = ? AND id >= ? AND id < ? ORDER BY id`,
		c.Kind, sc.Account, sc.Region, fromID, toID))
}

// items decodes the rows (rowid, id, doc) of a query into items.
func (c Collection[T]) items(rows *sql.Rows, err error) ([]Item[T], error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item[T]
	var doc sql.RawBytes
	for rows.Next() {
		var it Item[T]
		if err := rows.Scan(&it.Seq, &it.ID, &doc); err != nil {
			return nil, err
		}
		if it.Doc, err = c.Decode(doc); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// DeleteRange removes the documents whose ids lie in [fromID, toID) and
// returns how many there were.
func (c Collection[T]) DeleteRange(tx *Tx, sc Scope, fromID, toID string) (int64, error) {
	tx.touch(docKey{kindScope: kindScope{c.Kind, sc}})
	res, err := tx.exec(`DELETE FROM resources WHERE kind = ? AND account = ? AND region = ? AND id >= ? AND id < ?`,
		c.Kind, sc.Account, sc.Region, fromID, toID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
