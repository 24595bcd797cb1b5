package cloudwatch

import (
	"sync"
	"time"

	"github.com/longshore/longshore/store"
)

// ActionRunner runs an alarm action whose ARN it recognises and reports
// whether it did. Services register theirs: Application Auto Scaling runs
// its scaling policies; others (EC2 Auto Scaling) can run their own.
type ActionRunner func(tx *store.Tx, now time.Time, scale float64, a Action) (handled bool, err error)

var (
	runnersMu sync.Mutex
	runners   []ActionRunner
)

// RegisterActionRunner adds a runner for alarm actions.
func RegisterActionRunner(r ActionRunner) {
	runnersMu.Lock()
	defer runnersMu.Unlock()
	runners = append(runners, r)
}

// RunActions gives each due action to the first runner that handles it.
// Actions no runner handles (SNS topics and the like) are left alone:
// Longshore delivers no notifications.
func RunActions(tx *store.Tx, now time.Time, scale float64, actions []Action) error {
	runnersMu.Lock()
	rs := append([]ActionRunner(nil), runners...)
	runnersMu.Unlock()
	for _, a := range actions {
		for _, r := range rs {
			handled, err := r(tx, now, scale, a)
			if err != nil {
				return err
			}
			if handled {
				break
			}
		}
	}
	return nil
}
