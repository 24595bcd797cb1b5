package cloudwatch

import (
	"sort"
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
	return History.Put(tx, sc, api.HexID(32), store.Index{Name: alarm, Status: string(kind)}, item)
}

// RecordAction records that an alarm's action ran (or failed), as AWS's Action history items do.
func RecordAction(tx *store.Tx, sc store.Scope, now time.Time, alarm, summary, data string) error {
	return addHistory(tx, sc, now, alarm, types.AlarmTypeMetricAlarm, types.HistoryItemTypeAction, summary, data)
}

func describeAlarmHistory(c *api.Context, in *cloudwatch.DescribeAlarmHistoryInput) (*cloudwatch.DescribeAlarmHistoryOutput, error) {
	items, err := History.List(c.Tx, c.Scope(), store.Query{Name: aws.ToString(in.AlarmName), Status: string(in.HistoryItemType)})
	if err != nil {
		return nil, err
	}
	kinds := map[types.AlarmType]bool{}
	for _, t := range in.AlarmTypes {
		kinds[t] = true
	}
	var matched []types.AlarmHistoryItem
	for _, it := range items {
		h := it.Doc
		ts := aws.ToTime(h.Timestamp)
		if (in.StartDate != nil && ts.Before(*in.StartDate)) || (in.EndDate != nil && ts.After(*in.EndDate)) {
			continue
		}
		if len(kinds) > 0 && !kinds[h.AlarmType] {
			continue
		}
		matched = append(matched, *h)
	}
	asc := in.ScanBy == types.ScanByTimestampAscending
	sort.SliceStable(matched, func(i, j int) bool {
		a, b := aws.ToTime(matched[i].Timestamp), aws.ToTime(matched[j].Timestamp)
		if asc {
			return a.Before(b)
		}
		return a.After(b)
	})
	if !asc {
		// equal timestamps: newest recorded first
		for i, j := 0, 0; i < len(matched); i = j {
			for j = i; j < len(matched) && aws.ToTime(matched[j].Timestamp).Equal(aws.ToTime(matched[i].Timestamp)); j++ {
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				matched[a], matched[b] = matched[b], matched[a]
			}
		}
	}
	limit := int(aws.ToInt32(in.MaxRecords))
	if limit == 0 {
		limit = 100
	}
	page, next, err := api.PaginateSlice(matched, api.Paging{Listing: "cloudwatch:DescribeAlarmHistory", Token: in.NextToken, Size: limit,
		BadToken: invalidNextToken(), PastEndOK: true}, nil)
	if err != nil {
		return nil, err
	}
	out := &cloudwatch.DescribeAlarmHistoryOutput{AlarmHistoryItems: append([]types.AlarmHistoryItem{}, page...), NextToken: next}
	return out, nil
}
