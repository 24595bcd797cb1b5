package appautoscaling

import (
	"testing"
	"time"
)

func TestParseScheduleRejects(t *testing.T) {
	for _, s := range []string{"", "at(2026-01-01)", "rate(0 minutes)", "rate(1 minutes)", "rate(5 minute)", "rate(5 weeks)",
		"cron(0 8 * * *)", "cron(0 8 * * * *)", "cron(0 8 ? * ? *)", "cron(61 8 ? * * *)", "cron(0 8 ? * FOO *)", "daily"} {
		if _, err := parseSchedule(s, ""); err == nil {
			t.Errorf("%q: accepted", s)
		}
	}
	if _, err := parseSchedule("rate(1 day)", "Nowhere/City"); err == nil {
		t.Error("bad time zone accepted")
	}
}

func TestScheduleNext(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		expr, tz      string
		after, anchor string
		want          string // "" = never
	}{
		{"at(2026-03-01T09:00:00)", "", "2026-02-01T00:00:00Z", "", "2026-03-01T09:00:00Z"},
		{"at(2026-03-01T09:00:00)", "Asia/Tokyo", "2026-02-01T00:00:00Z", "", "2026-03-01T00:00:00Z"},
		{"at(2026-03-01T09:00:00)", "", "2026-03-01T09:00:00Z", "", ""},
		{"rate(5 minutes)", "", "2026-01-01T00:07:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z"},
		{"rate(1 hour)", "", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"},
		// 08:00 on weekdays in Tokyo is 23:00 UTC the day before; 2026-01-03 is a Saturday.
		{"cron(0 8 ? * MON-FRI *)", "Asia/Tokyo", "2026-01-02T00:00:00Z", "", "2026-01-04T23:00:00Z"},
		// The last Friday of January 2026 is the 30th; the second Tuesday of February the 10th.
		{"cron(15 10 ? * 6L *)", "", "2026-01-01T00:00:00Z", "", "2026-01-30T10:15:00Z"},
		{"cron(0 9 ? * TUE#2 *)", "", "2026-02-01T00:00:00Z", "", "2026-02-10T09:00:00Z"},
		{"cron(0 0 L * ? *)", "", "2026-02-01T00:00:00Z", "", "2026-02-28T00:00:00Z"},
		// 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th; 2026-08-01 is a Saturday: Monday the 3rd.
		{"cron(0 0 15W * ? *)", "", "2026-02-01T00:00:00Z", "", "2026-02-16T00:00:00Z"},
		{"cron(0 0 1W * ? *)", "", "2026-07-02T00:00:00Z", "", "2026-08-03T00:00:00Z"},
		{"cron(0 0 ? * 9L *)", "", "2026-01-01T00:00:00Z", "", "bad"},
		{"cron(0/15 * * * ? *)", "", "2026-01-01T00:07:00Z", "", "2026-01-01T00:15:00Z"},
		{"cron(0 12 1 JAN,JUL ? 2027)", "", "2026-05-01T00:00:00Z", "", "2027-01-01T12:00:00Z"},
		{"cron(0 0 31 2 ? *)", "", "2026-01-01T00:00:00Z", "", ""},
	}
	for _, c := range cases {
		s, err := parseSchedule(c.expr, c.tz)
		if c.want == "bad" {
			if err == nil {
				t.Errorf("%s: accepted", c.expr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		anchor := time.Time{}
		if c.anchor != "" {
			anchor = utc(c.anchor)
		}
		got, ok := s.next(utc(c.after), anchor)
		if c.want == "" {
			if ok {
				t.Errorf("%s after %s: %v, want never", c.expr, c.after, got)
			}
			continue
		}
		if !ok || !got.Equal(utc(c.want)) {
			t.Errorf("%s (%s) after %s: %v %v, want %s", c.expr, c.tz, c.after, got.UTC(), ok, c.want)
		}
	}
	_ = tokyo
}
