package appautoscaling

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// schedule is a parsed scheduled action expression: at(), rate() or cron().
type schedule struct {
	at   time.Time     // at(): the one time
	rate time.Duration // rate(): the interval
	cron *cronSpec
	loc  *time.Location
}

// parseSchedule parses AWS's schedule expressions in a time zone (IANA name, default UTC).
func parseSchedule(expr, tz string) (*schedule, error) {
	loc := time.UTC
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("time zone %s is not valid", tz)
		}
		loc = l
	}
	inner := func(prefix string) (string, bool) {
		if strings.HasPrefix(expr, prefix+"(") && strings.HasSuffix(expr, ")") {
			return strings.TrimSpace(expr[len(prefix)+1 : len(expr)-1]), true
		}
		return "", false
	}
	if s, ok := inner("at"); ok {
		t, err := time.ParseInLocation("2006-01-02T15:04:05", s, loc)
		if err != nil {
			return nil, fmt.Errorf("at() expects yyyy-mm-ddThh:mm:ss")
		}
		return &schedule{at: t, loc: loc}, nil
	}
	if s, ok := inner("rate"); ok {
		f := strings.Fields(s)
		if len(f) != 2 {
			return nil, fmt.Errorf("rate() expects a value and a unit")
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("rate() expects a positive whole number")
		}
		units := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}
		u, ok := units[f[1]]
		if !ok || (n == 1) != !strings.HasSuffix(f[1], "s") {
			return nil, fmt.Errorf("rate() unit %q is not valid", f[1])
		}
		return &schedule{rate: time.Duration(n) * u, loc: loc}, nil
	}
	if s, ok := inner("cron"); ok {
		c, err := parseCron(s)
		if err != nil {
			return nil, err
		}
		return &schedule{cron: c, loc: loc}, nil
	}
	return nil, fmt.Errorf("expected at(), rate() or cron()")
}

// next returns the first time the schedule fires strictly after `after`
// (rate() counts from anchor); ok is false when it never fires again.
func (s *schedule) next(after, anchor time.Time) (time.Time, bool) {
	switch {
	case s.cron != nil:
		return s.cron.next(after.In(s.loc))
	case s.rate > 0:
		if after.Before(anchor) {
			return anchor.Add(s.rate), true
		}
		k := after.Sub(anchor)/s.rate + 1
		return anchor.Add(k * s.rate), true
	}
	if s.at.After(after) {
		return s.at, true
	}
	return time.Time{}, false
}

// cronSpec is AWS's six-field cron: minutes hours day-of-month month day-of-week year.
type cronSpec struct {
	min, hour, dom, month, dow, year map[int]bool
	anyDom, anyDow                   bool
	// domSpecial and dowSpecial hold L, W and # forms, which depend on the month.
	domSpecial, dowSpecial func(time.Time) bool
}

var monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

func parseCron(s string) (*cronSpec, error) {
	f := strings.Fields(s)
	if len(f) != 6 {
		return nil, fmt.Errorf("cron() expects 6 fields, got %d", len(f))
	}
	if (f[2] == "?") == (f[4] == "?") {
		return nil, fmt.Errorf("cron() needs ? in exactly one of day-of-month and day-of-week")
	}
	c := &cronSpec{anyDom: f[2] == "?", anyDow: f[4] == "?"}
	var err error
	parts := []struct {
		dst    *map[int]bool
		field  string
		lo, hi int
		names  map[string]int
	}{
		{&c.min, f[0], 0, 59, nil}, {&c.hour, f[1], 0, 23, nil}, {&c.dom, f[2], 1, 31, nil},
		{&c.month, f[3], 1, 12, monthNames}, {&c.dow, f[4], 1, 7, dayNames}, {&c.year, f[5], 1970, 2199, nil},
	}
	if f[2] != "?" {
		if c.domSpecial, err = domSpecial(f[2]); err != nil {
			return nil, err
		}
	}
	if f[4] != "?" {
		if c.dowSpecial, err = dowSpecial(f[4]); err != nil {
			return nil, err
		}
	}
	for _, p := range parts {
		if p.field == "?" || (p.dst == &c.dom && c.domSpecial != nil) || (p.dst == &c.dow && c.dowSpecial != nil) {
			continue
		}
		if *p.dst, err = cronField(p.field, p.lo, p.hi, p.names); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func cronField(s string, lo, hi int, names map[string]int) (map[int]bool, error) {
	out := map[int]bool{}
	val := func(v string) (int, error) {
		if n, ok := names[strings.ToUpper(v)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("cron() value %q is out of range", v)
		}
		return n, nil
	}
	for _, item := range strings.Split(s, ",") {
		step := 1
		if i := strings.IndexByte(item, '/'); i >= 0 {
			n, err := strconv.Atoi(item[i+1:])
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("cron() step %q is not valid", item)
			}
			step, item = n, item[:i]
		}
		from, to := lo, hi
		switch {
		case item == "*":
		case strings.Contains(item, "-"):
			a, b, _ := strings.Cut(item, "-")
			var err error
			if from, err = val(a); err != nil {
				return nil, err
			}
			if to, err = val(b); err != nil {
				return nil, err
			}
		default:
			n, err := val(item)
			if err != nil {
				return nil, err
			}
			from = n
			if step == 1 {
				to = n
			}
		}
		for v := from; v <= to; v += step {
			out[v] = true
		}
	}
	return out, nil
}

func (c *cronSpec) matchDay(t time.Time) bool {
	switch {
	case c.anyDom:
	case c.domSpecial != nil:
		if !c.domSpecial(t) {
			return false
		}
	case !c.dom[t.Day()]:
		return false
	}
	switch {
	case c.anyDow:
	case c.dowSpecial != nil:
		if !c.dowSpecial(t) {
			return false
		}
	case !c.dow[int(t.Weekday())+1]:
		return false
	}
	return c.month[int(t.Month())] && c.year[t.Year()]
}

// next finds the first matching minute after t (in t's location), within five years.
func (c *cronSpec) next(t time.Time) (time.Time, bool) {
	t = t.Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		if !c.matchDay(t) {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location())
			continue
		}
		if !c.hour[t.Hour()] {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, t.Location())
			continue
		}
		if !c.min[t.Minute()] {
			t = t.Add(time.Minute)
			continue
		}
		return t, true
	}
	return time.Time{}, false
}

func lastDay(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
}

// domSpecial parses L (last day), LW (last weekday) and nW (the weekday
// nearest day n, within the month); nil for ordinary fields.
func domSpecial(f string) (func(time.Time) bool, error) {
	switch {
	case f == "L":
		return func(t time.Time) bool { return t.Day() == lastDay(t) }, nil
	case f == "LW":
		return func(t time.Time) bool { return t.Day() == nearestWeekday(t, lastDay(t)) }, nil
	case strings.HasSuffix(f, "W"):
		n, err := strconv.Atoi(strings.TrimSuffix(f, "W"))
		if err != nil || n < 1 || n > 31 {
			return nil, fmt.Errorf("cron() day-of-month %q is not valid", f)
		}
		return func(t time.Time) bool { return n <= lastDay(t) && t.Day() == nearestWeekday(t, n) }, nil
	}
	return nil, nil
}

// nearestWeekday is the Monday–Friday day of t's month nearest to day n.
func nearestWeekday(t time.Time, n int) int {
	d := time.Date(t.Year(), t.Month(), n, 0, 0, 0, 0, t.Location())
	switch d.Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == lastDay(t) {
			return n - 2
		}
		return n + 1
	}
	return n
}

// dowSpecial parses nL (the last day n of the month) and n#k (the k-th day n);
// days are 1–7 from Sunday or SUN–SAT. nil for ordinary fields.
func dowSpecial(f string) (func(time.Time) bool, error) {
	day := func(s string) (int, error) {
		if n, ok := dayNames[strings.ToUpper(s)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 7 {
			return 0, fmt.Errorf("cron() day-of-week %q is not valid", f)
		}
		return n, nil
	}
	switch {
	case f == "L":
		return func(t time.Time) bool { return t.Weekday() == time.Saturday }, nil
	case len(f) > 1 && strings.HasSuffix(f, "L"):
		n, err := day(strings.TrimSuffix(f, "L"))
		if err != nil {
			return nil, err
		}
		return func(t time.Time) bool { return int(t.Weekday())+1 == n && t.Day()+7 > lastDay(t) }, nil
	case strings.Contains(f, "#"):
		a, b, _ := strings.Cut(f, "#")
		n, err := day(a)
		if err != nil {
			return nil, err
		}
		k, err := strconv.Atoi(b)
		if err != nil || k < 1 || k > 5 {
			return nil, fmt.Errorf("cron() day-of-week %q is not valid", f)
		}
		return func(t time.Time) bool { return int(t.Weekday())+1 == n && (t.Day()-1)/7+1 == k }, nil
	}
	return nil, nil
}
