package cloudwatch

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func addHistory(tx *store.Tx, sc store.Scope, now time.Time, alarm string, at types.AlarmType, kind types.HistoryItemType, summary, data string) error {
	item := &types.AlarmHistoryItem{AlarmName: aws.String(alarm), AlarmType: at, HistoryItemType: kind,
		HistorySummary: aws.String(summary), HistoryData: aws.String(data), Timestamp: aws.Time(now)}
	return History.Put(tx, sc, api.HexID(32), store.Index{Name: alarm, Status: string(kind), Attr: historyOrder(item)}, item)
}

// historyOrder is the Attr that keeps history in time order (ties in the
// order recorded), so that a page reads only itself; migration 0015 fills
// it in for items stored before.
func historyOrder(h *types.AlarmHistoryItem) string {
	return aws.ToTime(h.Timestamp).UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// RecordAction records that an alarm's action ran (or failed), as AWS's Action history items do.
func RecordAction(tx *store.Tx, sc store.Scope, now time.Time, alarm, summary, data string) error {
	return addHistory(tx, sc, now, alarm, types.AlarmTypeMetricAlarm, types.HistoryItemTypeAction, summary, data)
}

func describeAlarmHistory(c *api.Context, in *cloudwatch.DescribeAlarmHistoryInput) (*cloudwatch.DescribeAlarmHistoryOutput, error) {
	kinds := map[types.AlarmType]bool{}
	for _, t := range in.AlarmTypes {
		kinds[t] = true
	}
	limit := int(aws.ToInt32(in.MaxRecords))
	if limit == 0 {
		limit = 100
	}
	// Newest first unless asked otherwise; equal times newest recorded first.
	p := api.Paging{Listing: "cloudwatch:DescribeAlarmHistory", Token: in.NextToken, Size: limit, BadToken: invalidNextToken(),
		Desc: in.ScanBy != types.ScanByTimestampAscending}
	page, next, err := api.PaginateByAttr(c.Tx, c.Scope(), History, store.Query{Name: aws.ToString(in.AlarmName), Status: string(in.HistoryItemType)},
		historyOrder, p, func(h *types.AlarmHistoryItem) bool {
			ts := aws.ToTime(h.Timestamp)
			if (in.StartDate != nil && ts.Before(*in.StartDate)) || (in.EndDate != nil && ts.After(*in.EndDate)) {
				return false
			}
			return len(kinds) == 0 || kinds[h.AlarmType]
		})
	if err != nil {
		return nil, err
	}
	out := &cloudwatch.DescribeAlarmHistoryOutput{AlarmHistoryItems: []types.AlarmHistoryItem{}, NextToken: next}
	for _, h := range page {
		out.AlarmHistoryItems = append(out.AlarmHistoryItems, *h)
	}
	return out, nil
}
