package iam_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// ListDelegationRequests lists the caller's requests as requestor and the
// ones an identity of its account associated as owner, in the order they
// were created, each once (a request to the requestor's own account too),
// one page at a time by Marker; a workflow id stays unique per requestor
// whoever owns its request.
func TestDelegationRequestsListedByParty(t *testing.T) {
	ls, partner := coreStart(t)
	client := func(account string) *iam.Client {
		cfg := ls.Config.Copy()
		cfg.Credentials = credentials.NewStaticCredentialsProvider(account, "x", "")
		return iam.NewFromConfig(cfg)
	}
	owner, other := client("444455556666"), client("777788889999")
	input := func(ownerAccount, workflow string) *iam.CreateDelegationRequestInput {
		return &iam.CreateDelegationRequestInput{OwnerAccountId: aws.String(ownerAccount),
			Description: aws.String(workflow), RequestorWorkflowId: aws.String("flow-" + workflow), SessionDuration: aws.Int32(3600),
			NotificationChannel: aws.String("arn:aws:sns:us-east-1:000000000000:delegations"),
			Permissions:         &types.DelegationPermission{PolicyTemplateArn: aws.String("arn:aws:iam::aws:delegation-template/RotateSecrets")}}
	}
	create := func(c *iam.Client, ownerAccount, workflow string) string {
		t.Helper()
		return aws.ToString(harness.Must(c.CreateDelegationRequest(harness.Ctx, input(ownerAccount, workflow)))(t).DelegationRequestId)
	}
	associate := func(c *iam.Client, id string) {
		t.Helper()
		harness.Must(c.AssociateDelegationRequest(harness.Ctx, &iam.AssociateDelegationRequestInput{DelegationRequestId: aws.String(id)}))(t)
	}
	create(partner, "444455556666", "a")
	b := create(other, "444455556666", "b")
	create(partner, "777788889999", "c")
	d := create(other, "444455556666", "d")
	e := create(owner, "444455556666", "e")
	create(other, "444455556666", "unassociated")
	associate(owner, d)
	associate(owner, b)
	associate(owner, e)
	// The same workflow id is another requestor's own.
	create(owner, "444455556666", "a")
	_, err := partner.CreateDelegationRequest(harness.Ctx, input("444455556666", "c"))
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "")

	list := func(c *iam.Client, ownerID string) []string {
		t.Helper()
		var ids []string
		in := &iam.ListDelegationRequestsInput{MaxItems: aws.Int32(1)}
		if ownerID != "" {
			in.OwnerId = aws.String(ownerID)
		}
		for {
			page := harness.Must(c.ListDelegationRequests(harness.Ctx, in))(t)
			for _, r := range page.DelegationRequests {
				ids = append(ids, aws.ToString(r.Description))
			}
			if !page.IsTruncated {
				return ids
			}
			in.Marker = page.Marker
		}
	}
	for name, got := range map[string][]string{"partner": list(partner, ""), "owner": list(owner, ""), "other": list(other, ""),
		"owner by owner id": list(owner, "arn:aws:iam::444455556666:root")} {
		want := map[string][]string{"partner": {"a", "c"}, "owner": {"b", "d", "e", "a"}, "other": {"b", "d", "unassociated"},
			"owner by owner id": {"b", "d", "e"}}[name]
		if !slices.Equal(got, want) {
			t.Errorf("%s: listed %q, want %q", name, got, want)
		}
	}
	// A marker of another listing is refused.
	first := harness.Must(owner.ListDelegationRequests(harness.Ctx, &iam.ListDelegationRequestsInput{MaxItems: aws.Int32(1)}))(t)
	_, err = partner.ListDelegationRequests(harness.Ctx, &iam.ListDelegationRequestsInput{Marker: first.Marker})
	harness.AssertError(t, err, "InvalidInput", 400, "Invalid Marker.")
}
