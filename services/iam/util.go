package iam

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
)

// parseTime reads an RFC 3339 date of the catalogue.
func parseTime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil
	}
	return aws.Time(t.UTC())
}

func itoa(n int) string { return strconv.Itoa(n) }

// nowSecond is the transaction's time to the second, as IAM reports dates.
func nowSecond(c *api.Context) *time.Time { return aws.Time(c.Now().UTC().Truncate(time.Second)) }
