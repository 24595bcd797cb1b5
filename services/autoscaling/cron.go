package autoscaling

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// cron is a Unix cron expression (minute hour day-of-month month
// day-of-week), as scheduled actions' Recurrence takes it.
type cron struct {
	fields [5]map[int]bool
	// anyDom and anyDow record a "*" day field: with both restricted a day
	// matches either, as in Unix cron.
	anyDom, anyDow bool
}

var cronBounds = [5][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}

var cronNames = [5]map[string]int{nil, nil, nil,
	{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12},
	{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}}

var errCron = errors.New("invalid cron expression")

// parseCron parses a five-field cron expression.
func parseCron(expr string) (*cron, error) {
	parts := strings.Fields(expr)
	if len(parts) != 5 {
		return nil, errCron
	}
	c := &cron{anyDom: parts[2] == "*" || parts[2] == "?", anyDow: parts[4] == "*" || parts[4] == "?"}
	for i, p := range parts {
		set, err := cronField(p, cronBounds[i][0], cronBounds[i][1], cronNames[i])
		if err != nil {
			return nil, err
		}
		c.fields[i] = set
	}
	if c.fields[4][7] {
		c.fields[4][0] = true
	}
	return c, nil
}

func cronValue(s string, names map[string]int) (int, error) {
	if v, ok := names[strings.ToLower(s)]; ok {
		return v, nil
	}
	return strconv.Atoi(s)
}

func cronField(s string, lo, hi int, names map[string]int) (map[int]bool, error) {
	set := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		step := 1
		if base, st, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(st)
			if err != nil || n <= 0 {
				return nil, errCron
			}
			part, step = base, n
		}
		from, to := lo, hi
		switch {
		case part == "*" || part == "?":
		case strings.Contains(part, "-"):
			a, b, _ := strings.Cut(part, "-")
			x, err1 := cronValue(a, names)
			y, err2 := cronValue(b, names)
			if err1 != nil || err2 != nil {
				return nil, errCron
			}
			from, to = x, y
		default:
			v, err := cronValue(part, names)
			if err != nil {
				return nil, errCron
			}
			from, to = v, v
			if step > 1 {
				to = hi
			}
		}
		if from < lo || to > hi || from > to {
			return nil, errCron
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return set, nil
}

func (c *cron) dayMatches(t time.Time) bool {
	dom, dow := c.fields[2][t.Day()], c.fields[4][int(t.Weekday())]
	switch {
	case c.anyDom && c.anyDow:
		return true
	case c.anyDom:
		return dow
	case c.anyDow:
		return dom
	}
	return dom || dow
}

// next returns the first matching minute strictly after t, in t's location.
func (c *cron) next(t time.Time) (time.Time, bool) {
	t = t.Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case !c.fields[3][int(t.Month())]:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, t.Location())
		case !c.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location())
		case !c.fields[1][t.Hour()]:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, t.Location())
		case !c.fields[0][t.Minute()]:
			t = t.Add(time.Minute)
		default:
			return t, true
		}
	}
	return time.Time{}, false
}
