// Package cloudwatch implements CloudWatch's metrics and alarms: metric data,
// statistics and metric math, metric and composite alarms with their history,
// and the evaluation that moves alarms between states and invokes their actions.
package cloudwatch

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// The CloudWatch collections.
var (
	// Series: id = metric key, Parent = namespace, Name = metric name,
	// Attr = the metric (alarmMetric), so that one metric's dimensions
	// are listed without reading the namespace's other metrics.
	Series = store.Collection[series]{Kind: "cloudwatch/metric"}
	// Alarms: id = alarm name, Name = its type, state and name (stateKey),
	// Parent = its metric's alarmMetric key ("composite" for a composite
	// alarm, "" for a metric math alarm), Attr = when it is due for
	// evaluation (dueKey); Status is not used.
	Alarms = store.Collection[alarmRecord]{Kind: "cloudwatch/alarm"}
	// History: id = a unique id, Name = its type followed by its time
	// (typeGroup), Status = history item type, Attr = its time
	// (historyOrder), Parent = the alarm's ownerKey followed by its time, so
	// that one alarm's history, one type's, or all of it pages in time order.
	History = store.Collection[types.AlarmHistoryItem]{Kind: "cloudwatch/alarm-history"}
	// ActionIndex: id = an action's ownerKey followed by the name of an
	// alarm that names it among its actions.
	ActionIndex = store.Collection[struct{}]{Kind: "cloudwatch/alarm-action"}
	// Tags: id = resource ARN.
	Tags = store.Collection[[]types.Tag]{Kind: "cloudwatch/tags"}
)

// New builds the CloudWatch service (the metrics and alarms part).
func New() *api.Service {
	s := api.NewService("cloudwatch")
	registerMetrics(s)
	registerAlarms(s)
	registerTags(s)
	return s
}

// ownerKey starts the stored key of what belongs to one owner (an alarm's
// history, a metric's alarms): the owner's length in bytes makes it end
// unambiguously, so no owner's key is the start of another's.
func ownerKey(owner string) string { return strconv.Itoa(len(owner)) + ":" + owner + " " }

// AlarmARN is the ARN of an alarm in a scope.
func AlarmARN(sc store.Scope, name string) string {
	return "arn:" + api.Partition(sc.Region) + ":cloudwatch:" + sc.Region + ":" + sc.Account + ":alarm:" + name
}
