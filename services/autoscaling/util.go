package autoscaling

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"time"
)

// newUUID returns a random version-4 UUID (activity ids, group ARNs, tokens).
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// stamp is how activity causes write a time: 2024-05-01T10:00:00Z.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func itoa(n int32) string { return strconv.Itoa(int(n)) }

func seconds(n int32) time.Duration { return time.Duration(n) * time.Second }

// timeScale makes simulated durations (boot times, hook timeouts, cooldowns,
// scale-in delays) that many times shorter; the engine sets it at start.
var timeScale = 1.0

// scaled is a simulated duration in real time.
func scaled(d time.Duration) time.Duration {
	if timeScale <= 0 || timeScale == 1 {
		return d
	}
	return time.Duration(float64(d) / timeScale)
}
