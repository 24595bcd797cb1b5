package sts

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/services/iam/policy"
	"github.com/longshore/longshore/store"
)

// notAuthorizedToAssume is AWS's answer when a role is missing or does not trust the caller.
func notAuthorizedToAssume(caller, roleArn string) error {
	return notAuthorized(caller, "sts:AssumeRole", roleArn)
}

func notAuthorized(caller, action, roleArn string) error {
	return apierror.WithStatus(http.StatusForbidden, "AccessDenied",
		"User: %s is not authorized to perform: %s on resource: %s", caller, action, roleArn)
}

// trustedRole loads the role an AssumeRole names and checks that its trust
// policy lets the caller assume it. A missing role is AccessDenied, as on AWS.
func trustedRole(c *api.Context, in *sts.AssumeRoleInput, account string) (*iam.Role, error) {
	roleArn := aws.ToString(in.RoleArn)
	role, err := iam.GetRoleByARN(c.Tx, account, roleArn)
	if err != nil {
		if e, ok := err.(*apierror.Error); ok && e.Code == "NoSuchEntity" {
			return nil, notAuthorizedToAssume(c.Caller.Arn, roleArn)
		}
		return nil, err
	}
	trust, err := policy.ParseCached(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return nil, notAuthorizedToAssume(c.Caller.Arn, roleArn)
	}
	principal, ctx, err := callerForTrust(c, in)
	if err != nil {
		return nil, err
	}
	req := policy.Request{Action: "sts:AssumeRole", Resource: roleArn, Principal: principal, Context: ctx}
	sets := policy.PolicySets{Resource: []policy.Policy{{ID: "AssumeRolePolicyDocument", Type: "resource", Doc: trust}}}
	if policy.Decide(req, sets) != policy.Allowed {
		return nil, notAuthorizedToAssume(c.Caller.Arn, roleArn)
	}
	// Session tags and a source identity need their own permissions in the trust policy.
	var extra []string
	if len(in.Tags) > 0 || len(in.TransitiveTagKeys) > 0 {
		extra = append(extra, "sts:TagSession")
	}
	if in.SourceIdentity != nil {
		extra = append(extra, "sts:SetSourceIdentity")
	}
	for _, action := range extra {
		req.Action = action
		if policy.Decide(req, sets) != policy.Allowed {
			return nil, notAuthorized(c.Caller.Arn, action, roleArn)
		}
	}
	return role, nil
}

// callerForTrust describes the caller as a trust policy sees it: its
// principal and the request's condition keys.
func callerForTrust(c *api.Context, in *sts.AssumeRoleInput) (*policy.Principal, policy.Context, error) {
	p := &policy.Principal{ARN: c.Caller.Arn, Account: c.Caller.Account}
	ctx := policy.Context{}
	now := c.Now().UTC()
	ctx.Set("aws:CurrentTime", now.Format(time.RFC3339))
	ctx.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	ctx.Set("aws:PrincipalAccount", c.Caller.Account)
	ctx.Set("aws:PrincipalArn", c.Caller.Arn)
	ctx.Set("aws:userid", c.Caller.UserID)
	ctx.Set("aws:RequestedRegion", c.Region)
	ctx.Set("sts:RoleSessionName", aws.ToString(in.RoleSessionName))
	if in.ExternalId != nil {
		ctx.Set("sts:ExternalId", *in.ExternalId)
	}
	if in.SourceIdentity != nil {
		ctx.Set("sts:SourceIdentity", *in.SourceIdentity)
	}
	var tagKeys []string
	for _, t := range in.Tags {
		ctx.Set("aws:RequestTag/"+aws.ToString(t.Key), aws.ToString(t.Value))
		tagKeys = append(tagKeys, aws.ToString(t.Key))
	}
	if len(tagKeys) > 0 {
		ctx.Set("aws:TagKeys", tagKeys...)
	}
	var principalTags []iamtypes.Tag
	arn := c.Caller.Arn
	switch {
	case strings.HasSuffix(arn, ":root"):
		ctx.Set("aws:PrincipalType", "Account")
	case strings.Contains(arn, ":user/"):
		ctx.Set("aws:PrincipalType", "User")
		name := arn[strings.LastIndex(arn, "/")+1:]
		ctx.Set("aws:username", name)
		u, err := iam.Users.Get(c.Tx, store.Scope{Account: c.Caller.Account}, strings.ToLower(name))
		if err != nil {
			return nil, nil, err
		}
		if u != nil {
			principalTags = u.Tags
		}
	case strings.Contains(arn, ":assumed-role/"):
		ctx.Set("aws:PrincipalType", "AssumedRole")
		// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION: a trust policy naming
		// the role matches its sessions.
		parts := strings.Split(arn[strings.Index(arn, ":assumed-role/")+len(":assumed-role/"):], "/")
		r, err := iam.Roles.Get(c.Tx, store.Scope{Account: c.Caller.Account}, strings.ToLower(parts[0]))
		if err != nil {
			return nil, nil, err
		}
		if r != nil {
			p.RoleARN = aws.ToString(r.Arn)
			ctx.Set("aws:PrincipalArn", p.RoleARN)
			principalTags = r.Tags
		}
	case strings.Contains(arn, ":federated-user/"):
		ctx.Set("aws:PrincipalType", "FederatedUser")
	}
	for _, t := range principalTags {
		ctx.Set("aws:PrincipalTag/"+aws.ToString(t.Key), aws.ToString(t.Value))
	}
	return p, ctx, nil
}

// checkMaxSession refuses a session longer than the role allows.
func checkMaxSession(role *iam.Role, d time.Duration) error {
	if maxD := time.Duration(aws.ToInt32(role.MaxSessionDuration)) * time.Second; maxD > 0 && d > maxD {
		return apierror.New("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return nil
}
