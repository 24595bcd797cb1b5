package authz

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/store"
)

// resourceARNs builds the ARNs a resource definition names in a request.
// IAM entities named by name are resolved to their own ARNs, whose path
// ("role/app/NAME") a template cannot know, and labelled as IAM's denials
// name them ("role NAME"); a user call naming no user is about the caller.
func (e *Enforcer) resourceARNs(ctx *api.Context, id *Identity, r *Resource, req Request, labels map[string]string) []string {
	account := id.Principal.Account
	arns := e.fields.arns(r, req.Input, req.Region, account)
	if r.IAM == "" {
		return arns
	}
	names := e.fields.strs(req.Input, r.Member)
	if len(names) == 0 && r.IAM == "user" && id.Kind == User {
		arns, names = []string{api.InPartition(id.SourceArn, api.Partition(req.Region))}, []string{id.UserName}
	}
	for i, n := range names {
		if i >= len(arns) || strings.HasPrefix(n, "arn:") {
			continue
		}
		if arn := entityARN(ctx.Tx, account, r.IAM, n); arn != "" {
			arns[i] = api.InPartition(arn, api.Partition(req.Region))
		}
		labels[arns[i]] = strings.ReplaceAll(r.IAM, "-", " ") + " " + n
	}
	return arns
}

// entityARN is the ARN of the IAM entity of a kind with a name, or "" when
// the account has none.
func entityARN(tx *store.Tx, account, kind, name string) string {
	sc, key := store.Scope{Account: account}, strings.ToLower(name)
	var arn *string
	switch kind {
	case "user":
		if u, err := iam.Users.Get(tx, sc, key); err == nil && u != nil {
			arn = u.Arn
		}
	case "role":
		if r, err := iam.Roles.Get(tx, sc, key); err == nil && r != nil {
			arn = r.Arn
		}
	case "group":
		if g, err := iam.Groups.Get(tx, sc, key); err == nil && g != nil {
			arn = g.Arn
		}
	case "instance-profile":
		if p, err := iam.InstanceProfiles.Get(tx, sc, key); err == nil && p != nil {
			arn = p.Arn
		}
	}
	return aws.ToString(arn)
}

// roleARN is the ARN of a role given by ARN, by name or by path and name
// ("/app/web", as ECS accepts): the role's own when the account has it.
func roleARN(tx *store.Tx, account, partition, v string) string {
	if strings.HasPrefix(v, "arn:") {
		return v
	}
	name := v[strings.LastIndex(v, "/")+1:]
	if arn := entityARN(tx, account, "role", name); arn != "" && (!strings.Contains(v, "/") || strings.HasSuffix(arn, ":role"+v)) {
		return api.InPartition(arn, partition)
	}
	return "arn:" + partition + ":iam::" + account + ":role/" + strings.TrimPrefix(v, "/")
}
