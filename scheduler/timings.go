package scheduler

import "time"

// Timings are how long simulated tasks take. Defaults let the SDK's and the
// CLI's waiters (which poll every 6 to 15 seconds) succeed on their first or
// second poll.
type Timings struct {
	// StartDelay is PROVISIONING to RUNNING.
	StartDelay time.Duration
	// StopDelay is DEACTIVATING to STOPPED.
	StopDelay time.Duration
	// StoppedRetention is how long a STOPPED task stays describable.
	StoppedRetention time.Duration
	// Resync is the period of the safety-net pass.
	Resync time.Duration
	// CapacityWait is how long a task waits, PROVISIONING, for an instance
	// of its Auto Scaling group capacity provider before it stops.
	CapacityWait time.Duration
}

// DefaultTimings are the timings when nothing is configured.
func DefaultTimings() Timings {
	return Timings{StartDelay: time.Second, StopDelay: time.Second, StoppedRetention: time.Hour, Resync: 5 * time.Second,
		CapacityWait: 30 * time.Minute}
}

// Scaled makes simulated time factor times faster (a factor of 10 turns a
// one-second start into 100 ms). The retention and resync periods are scaled too.
func (t Timings) Scaled(factor float64) Timings {
	if factor <= 0 || factor == 1 {
		return t
	}
	s := func(d time.Duration) time.Duration { return time.Duration(float64(d) / factor) }
	return Timings{StartDelay: s(t.StartDelay), StopDelay: s(t.StopDelay), StoppedRetention: s(t.StoppedRetention), Resync: s(t.Resync),
		CapacityWait: s(t.CapacityWait)}
}
