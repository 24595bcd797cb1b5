package cloudwatch

import (
	"strconv"
	"strings"
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
	return History.Put(tx, sc, api.HexID(32), store.Index{Parent: ownerKey(alarm) + order, Name: alarm, Status: string(kind), Attr: order}, item)
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
	if name := aws.ToString(in.AlarmName); name != "" {
		page, next, err = alarmHistoryPage(c.Tx, c.Scope(), name, p, keep)
	} else {
		page, next, err = api.PaginateByAttr(c.Tx, c.Scope(), History, store.Query{Status: string(in.HistoryItemType)}, historyOrder, p, keep)
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

// alarmHistoryPage pages one alarm's history in time order through its
// Parent (the alarm's key, then the time), so that a page reads only that
// alarm's items however much history other alarms hold. Its tokens are
// those of PaginateByAttr: the position and the time of the last item shown.
func alarmHistoryPage(tx *store.Tx, sc store.Scope, alarm string, p api.Paging, keep func(*types.AlarmHistoryItem) bool) ([]*types.AlarmHistoryItem, *string, error) {
	owner := ownerKey(alarm)
	read := func(after string, n int) ([]*store.Item[types.AlarmHistoryItem], error) {
		afterParent, afterSeq := "", int64(0)
		if seq, order, ok := strings.Cut(after, " "); ok {
			pos, err := strconv.ParseInt(seq, 10, 64)
			if err != nil {
				return nil, p.BadToken
			}
			afterParent, afterSeq = owner+order, pos
		}
		items, err := History.ParentPage(tx, sc, owner, afterParent, afterSeq, p.Desc, n)
		out := make([]*store.Item[types.AlarmHistoryItem], len(items))
		for i := range items {
			out[i] = &items[i]
		}
		return out, err
	}
	key := func(it *store.Item[types.AlarmHistoryItem]) string {
		return strconv.FormatInt(it.Seq, 10) + " " + historyOrder(it.Doc)
	}
	items, next, err := api.PaginateKeyed(p, read, key, func(it *store.Item[types.AlarmHistoryItem]) bool { return keep(it.Doc) })
	out := make([]*types.AlarmHistoryItem, len(items))
	for i, it := range items {
		out[i] = it.Doc
	}
	return out, next, err
}
