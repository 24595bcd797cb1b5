package autoscaling

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
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

// settings are the service's settings shared by its handlers and its engine.
type settings struct {
	// TimeScale makes simulated durations (boot times, hook timeouts,
	// cooldowns, scale-in delays) that many times shorter.
	TimeScale float64
}

var settingsStore = store.Collection[settings]{Kind: "autoscaling/settings"}

// scaledFor is a simulated duration in real time, with the time scale the
// engine of this store runs at.
func scaledFor(c *api.Context, d time.Duration) time.Duration {
	s, err := settingsStore.Get(c.Tx, store.Scope{}, "time")
	if err != nil || s == nil {
		return d
	}
	return scaleBy(d, s.TimeScale)
}

func scaleBy(d time.Duration, factor float64) time.Duration {
	if factor <= 0 || factor == 1 {
		return d
	}
	return time.Duration(float64(d) / factor)
}
