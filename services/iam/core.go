package iam

import (
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

// resolveAccessKey finds the IAM user that owns an active access key (its
// use is noted by NoteKeyUses, when the request's handler runs).
func resolveAccessKey(tx *store.Tx, accessKeyID string) (*api.Principal, error) {
	k, err := AccessKeys.Get(tx, store.Scope{}, accessKeyID)
	if err != nil || k == nil || k.Status != types.StatusTypeActive {
		return nil, err
	}
	u, err := Users.Get(tx, store.Scope{Account: k.Account}, nameKey(aws.ToString(k.UserName)))
	if err != nil || u == nil {
		return nil, err
	}
	return &api.Principal{Account: k.Account, Arn: aws.ToString(u.Arn), UserID: aws.ToString(u.UserId)}, nil
}
