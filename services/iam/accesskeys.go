package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxAccessKeysPerUser is IAM's quota of access keys per user.
const maxAccessKeysPerUser = 2

func registerAccessKeys(s *api.Service, uses *keyUseLog) {
	api.Handle(s, "CreateAccessKey", createAccessKey)
	api.Handle(s, "DeleteAccessKey", deleteAccessKey)
	api.Handle(s, "UpdateAccessKey", updateAccessKey)
	api.Handle(s, "ListAccessKeys", listAccessKeys)
	api.Handle(s, "GetAccessKeyLastUsed", func(c *api.Context, in *iam.GetAccessKeyLastUsedInput) (*iam.GetAccessKeyLastUsedOutput, error) {
		return getAccessKeyLastUsed(c, uses, in)
	})
}

func accessKeyParent(account, user string) string { return account + "/" + nameKey(user) }

func putAccessKey(c *api.Context, k *AccessKey) error {
	return AccessKeys.Put(c.Tx, store.Scope{}, aws.ToString(k.AccessKeyId),
		store.Index{Parent: accessKeyParent(k.Account, aws.ToString(k.UserName)), Name: k.Account}, k)
}

// userAccessKeys lists a user's access keys in creation order.
func userAccessKeys(c *api.Context, user string) ([]*AccessKey, error) {
	items, err := AccessKeys.List(c.Tx, store.Scope{}, store.Query{Parent: accessKeyParent(c.Account(), user)})
	if err != nil {
		return nil, err
	}
	out := make([]*AccessKey, 0, len(items))
	for _, it := range items {
		out = append(out, it.Doc)
	}
	return out, nil
}

// targetUser is the user an access-key or password call is about: the named
// one, or the calling IAM user.
func targetUser(c *api.Context, name *string) (*User, error) {
	if name != nil && *name != "" {
		return GetUser(c, *name)
	}
	if n, ok := callerUserName(c); ok {
		return GetUser(c, n)
	}
	return nil, apierror.New("ValidationError", "Must specify userName when calling with non-User credentials")
}

func createAccessKey(c *api.Context, in *iam.CreateAccessKeyInput) (*iam.CreateAccessKeyOutput, error) {
	u, keys, err := targetUserKeys(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if len(keys) >= maxAccessKeysPerUser {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeysPerUser)
	}
	k := &AccessKey{AccessKey: types.AccessKey{
		AccessKeyId: aws.String(api.UniqueID("AKIA")), SecretAccessKey: aws.String(api.Secret()),
		Status: types.StatusTypeActive, UserName: u.UserName, CreateDate: nowSecond(c),
	}, Account: c.Account()}
	if err := putAccessKey(c, k); err != nil {
		return nil, err
	}
	out := k.AccessKey
	return &iam.CreateAccessKeyOutput{AccessKey: &out}, nil
}

// targetUserKeys loads the user a request acts on (see targetUser) and its access keys.
func targetUserKeys(c *api.Context, userName *string) (*User, []*AccessKey, error) {
	u, err := targetUser(c, userName)
	if err != nil {
		return nil, nil, err
	}
	keys, err := userAccessKeys(c, *u.UserName)
	return u, keys, err
}

// targetAccessKey loads access key id of the user a request acts on (see targetUser).
func targetAccessKey(c *api.Context, userName, accessKeyID *string) (*AccessKey, error) {
	u, err := targetUser(c, userName)
	if err != nil {
		return nil, err
	}
	id := aws.ToString(accessKeyID)
	k, err := AccessKeys.Get(c.Tx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if k == nil || k.Account != c.Account() || nameKey(aws.ToString(k.UserName)) != nameKey(*u.UserName) {
		return nil, apierror.New("NoSuchEntity", "The Access Key with id %s cannot be found.", id)
	}
	return k, nil
}

func deleteAccessKey(c *api.Context, in *iam.DeleteAccessKeyInput) (*iam.DeleteAccessKeyOutput, error) {
	k, err := targetAccessKey(c, in.UserName, in.AccessKeyId)
	if err != nil {
		return nil, err
	}
	_, err = AccessKeys.Delete(c.Tx, store.Scope{}, *k.AccessKeyId)
	return &iam.DeleteAccessKeyOutput{}, err
}

func updateAccessKey(c *api.Context, in *iam.UpdateAccessKeyInput) (*iam.UpdateAccessKeyOutput, error) {
	k, err := targetAccessKey(c, in.UserName, in.AccessKeyId)
	if err != nil {
		return nil, err
	}
	k.Status = in.Status
	return &iam.UpdateAccessKeyOutput{}, putAccessKey(c, k)
}

func listAccessKeys(c *api.Context, in *iam.ListAccessKeysInput) (*iam.ListAccessKeysOutput, error) {
	u, keys, err := targetUserKeys(c, in.UserName)
	if err != nil {
		return nil, err
	}
	var meta []types.AccessKeyMetadata
	for _, k := range keys {
		meta = append(meta, types.AccessKeyMetadata{AccessKeyId: k.AccessKeyId, CreateDate: k.CreateDate, Status: k.Status, UserName: k.UserName})
	}
	page, pg, err := paginateList(c, "ListAccessKeys:"+nameKey(*u.UserName), meta, byIndex, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListAccessKeysOutput{AccessKeyMetadata: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

func getAccessKeyLastUsed(c *api.Context, uses *keyUseLog, in *iam.GetAccessKeyLastUsedInput) (*iam.GetAccessKeyLastUsedOutput, error) {
	id := aws.ToString(in.AccessKeyId)
	k, err := AccessKeys.Get(c.Tx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if k == nil || k.Account != c.Account() {
		return nil, apierror.WithStatus(403, "AccessDenied", "User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key %s", c.Caller.Arn, id)
	}
	// Before any use, "N/A" (awscli examples, iam get-access-key-last-used;
	// IAM API reference, AccessKeyLastUsed).
	used := &types.AccessKeyLastUsed{Region: aws.String("N/A"), ServiceName: aws.String("N/A")}
	if lu := uses.lastUsed(k); lu != nil {
		used = lu
	}
	return &iam.GetAccessKeyLastUsedOutput{UserName: k.UserName, AccessKeyLastUsed: used}, nil
}
