package iam

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// registerCore registers users, groups, roles, policies, instance profiles,
// access keys, login profiles and service-linked roles.
func registerCore(s *api.Service, uses *keyUseLog) {
	registerUsers(s)
	registerGroups(s)
	registerRoles(s)
	registerPolicies(s)
	registerInline(s)
	registerAttachments(s)
	registerInstanceProfiles(s)
	registerAccessKeys(s, uses)
	registerLoginProfiles(s)
	registerTags(s)
	registerServiceLinkedRoles(s)
	registerAccountDetails(s)
}

// resolveAccessKey finds the IAM user that owns an active access key.
func resolveAccessKey(tx *store.Tx, accessKeyID string, uses *keyUseLog) (*api.Principal, error) {
	k, err := AccessKeys.Get(tx, store.Scope{}, accessKeyID)
	if err != nil || k == nil || k.Status != types.StatusTypeActive {
		return nil, err
	}
	u, err := Users.Get(tx, store.Scope{Account: k.Account}, nameKey(aws.ToString(k.UserName)))
	if err != nil || u == nil {
		return nil, err
	}
	at := tx.Now.UTC().Truncate(time.Second)
	uses.record(accessKeyID, at)
	// A write transaction keeps the date with the key across restarts; a read
	// transaction refuses the write, and the in-memory record serves alone.
	k.LastUsed = &types.AccessKeyLastUsed{LastUsedDate: &at}
	_ = AccessKeys.Put(tx, store.Scope{}, accessKeyID,
		store.Index{Parent: accessKeyParent(k.Account, aws.ToString(k.UserName)), Name: k.Account}, k)
	return &api.Principal{Account: k.Account, Arn: aws.ToString(u.Arn), UserID: aws.ToString(u.UserId)}, nil
}
