package store

import "strings"

// LogEvent is one stored CloudWatch Logs event. Seq orders the events of the
// whole store by arrival and backs pagination tokens.
type LogEvent struct {
	Seq       int64
	Stream    string
	Timestamp int64 // milliseconds since the epoch
	Ingested  int64
	Message   string
}

// LogEventQuery selects the events of one log group. Empty fields do not filter.
type LogEventQuery struct {
	Group        string
	Streams      []string // any of these streams
	StreamPrefix string
	// Start (inclusive) and End (exclusive) bound event timestamps.
	Start, End *int64
	// After and Before bound Seq (exclusive); 0 = unbounded.
	After, Before int64
	Desc          bool // newest first
	Limit         int  // 0 = no limit
}

// AppendLogEvent stores an event at the end of a stream and returns its Seq.
func AppendLogEvent(tx *Tx, sc Scope, group string, e LogEvent) (int64, error) {
	res, err := tx.execNamed(`INSERT INTO log_events (account, region, grp, stream, ts, ingested, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sc.Account, sc.Region, group, e.Stream, e.Timestamp, e.Ingested, e.Message)
	if err != nil {
		return 0, err
	}
	tx.record(Change{Kind: LogEventKind, Scope: sc, ID: e.Stream, Parent: group})
	return res.LastInsertId()
}

// DeleteLogEvents deletes the events of a stream, or of the whole group when
// stream is empty.
func DeleteLogEvents(tx *Tx, sc Scope, group, stream string) error {
	q := `DELETE FROM log_events WHERE account = ? AND region = ? AND grp = ?`
	args := []any{sc.Account, sc.Region, group}
	if stream != "" {
		q += ` AND stream = ?`
		args = append(args, stream)
	}
	_, err := tx.exec(q, args...)
	return err
}

// LogEvents returns the events matching q in Seq order (descending with Desc).
func LogEvents(tx *Tx, sc Scope, q LogEventQuery) ([]LogEvent, error) {
	var sb strings.Builder
	sb.WriteString(`SELECT seq, ts, ingested, stream, message FROM log_events WHERE account = ? AND region = ? AND grp = ?`)
	args := []any{sc.Account, sc.Region, q.Group}
	add := func(cond string, v any) {
		sb.WriteString(" AND " + cond)
		args = append(args, v)
	}
	if len(q.Streams) == 1 {
		add("stream = ?", q.Streams[0])
	}
	if q.Start != nil {
		add("ts >= ?", *q.Start)
	}
	if q.End != nil {
		add("ts < ?", *q.End)
	}
	if q.After > 0 {
		add("seq > ?", q.After)
	}
	if q.Before > 0 {
		add("seq < ?", q.Before)
	}
	if p := q.StreamPrefix; p != "" {
		sb.WriteString(` AND substr(stream, 1, ?) = ?`)
		args = append(args, len(p), p)
	}
	if len(q.Streams) > 1 {
		sb.WriteString(` AND stream IN (?` + strings.Repeat(",?", len(q.Streams)-1) + `)`)
		for _, s := range q.Streams {
			args = append(args, s)
		}
	}
	if q.Desc {
		sb.WriteString(` ORDER BY seq DESC`)
	} else {
		sb.WriteString(` ORDER BY seq`)
	}
	if q.Limit > 0 {
		sb.WriteString(` LIMIT ?`)
		args = append(args, q.Limit)
	}
	rows, err := tx.query(sb.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LogEvent
	for rows.Next() {
		var e LogEvent
		if err := rows.Scan(&e.Seq, &e.Timestamp, &e.Ingested, &e.Stream, &e.Message); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
