package cloudwatch

import (
	"time"

	"github.com/longshore/longshore/store"
)

// ActionRunner runs an alarm action whose ARN it recognises and reports
// whether it did. Whatever evaluates alarms passes the runners in:
// Application Auto Scaling runs its scaling policies; others (EC2 Auto
// Scaling) can run their own.
type ActionRunner func(tx *store.Tx, now time.Time, scale float64, a Action) (handled bool, err error)

// RunActions gives each due action to the first of runners that handles it.
// Actions no runner handles (SNS topics and the like) are left alone:
// Longshore delivers no notifications.
func RunActions(tx *store.Tx, now time.Time, scale float64, runners []ActionRunner, actions []Action) error {
	for _, a := range actions {
		for _, r := range runners {
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
