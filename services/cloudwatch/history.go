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
	order := historyOrder(item)
	return History.Put(tx, sc, api.HexID(32), store.Index{Parent: ownerKey(alarm) + order, Name: typeGroup(kind) + order, Status: string(kind), Attr: order}, item)
}

// typeGroup starts the Name of the history items of one type: the type and
// a space, followed by the item's time (historyOrder), so that the items of
// one type page in time order through resources_name alone (migration 0022
// fills it in for items stored before, whose Name was their alarm's).
func typeGroup(kind types.HistoryItemType) string { return string(kind) + " " }

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
	keep := func(h *types.AlarmHistoryItem) bool {
		ts := aws.ToTime(h.Timestamp)
		if (in.StartDate != nil && ts.Before(*in.StartDate)) || (in.EndDate != nil && ts.After(*in.EndDate)) {
			return false
		}
		if in.HistoryItemType != "" && h.HistoryItemType != in.HistoryItemType {
			return false
		}
		return len(kinds) == 0 || kinds[h.AlarmType]
	}
	var page []*types.AlarmHistoryItem
	var next *string
	var err error
	switch name := aws.ToString(in.AlarmName); {
	case name != "":
		owner := ownerKey(name)
		page, next, err = api.PaginateByPosition(p, historyOrder, func(pos *api.Position, n int) ([]store.Item[types.AlarmHistoryItem], error) {
			after, seq, err := afterKey(p, owner, pos)
			if err != nil {
				return nil, err
			}
			return History.ParentPage(c.Tx, c.Scope(), owner, after, seq, p.Desc, n)
		}, keep)
	case in.HistoryItemType != "":
		group := typeGroup(in.HistoryItemType)
		page, next, err = api.PaginateByPosition(p, historyOrder, func(pos *api.Position, n int) ([]store.Item[types.AlarmHistoryItem], error) {
			after, seq, err := afterKey(p, group, pos)
			if err != nil {
				return nil, err
			}
			return History.NamePage(c.Tx, c.Scope(), group, after, seq, p.Desc, n)
		}, keep)
	default:
		page, next, err = api.PaginateByAttr(c.Tx, c.Scope(), History, store.Query{}, historyOrder, p, keep)
	}
	if err != nil {
		return nil, err
	}
	out := &cloudwatch.DescribeAlarmHistoryOutput{AlarmHistoryItems: []types.AlarmHistoryItem{}, NextToken: next}
	for _, h := range page {
		out.AlarmHistoryItems = append(out.AlarmHistoryItems, *h)
	}
	return out, nil
}

// afterKey is the position of a page's token in a Parent or Name of
// history kept in time order under one alarm or one type: the owner or
// type's key followed by the token's time ("" from the start), and the
// token's position. Its tokens are those of PaginateByAttr.
func afterKey(p api.Paging, group string, pos *api.Position) (string, int64, error) {
	switch {
	case pos == nil:
		return "", 0, nil
	case pos.Order == "":
		return "", 0, p.BadToken
	}
	return group + pos.Order, pos.Seq, nil
}
