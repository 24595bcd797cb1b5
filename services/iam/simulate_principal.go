package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam/policy"
)

func simulatePrincipalPolicy(c *api.Context, in *iam.SimulatePrincipalPolicyInput) (*iam.SimulatePrincipalPolicyOutput, error) {
	source := aws.ToString(in.PolicySourceArn)
	set, err := sourcePolicies(c, source)
	if err != nil {
		return nil, err
	}
	identity, err := parseStoredPolicies(set.Identity)
	if err != nil {
		return nil, err
	}
	extra, err := parseInputPolicies(in.PolicyInputList, "PolicyInputList", policy.Identity, sourceIAMPolicy)
	if err != nil {
		return nil, err
	}
	sim := &simulation{sets: policy.PolicySets{Identity: append(identity, extra...)}, actions: in.ActionNames}
	if set.Boundary != nil {
		b, err := parseStoredPolicies([]PolicyDocument{*set.Boundary})
		if err != nil {
			return nil, err
		}
		sim.sets.Boundary = b
	}
	defaultCaller := ""
	if strings.Contains(source, ":user/") {
		defaultCaller = source
	}
	// A boundary given in the request replaces the principal's own.
	if err := sim.common(in.PermissionsBoundaryPolicyInputList, in.ResourceArns, in.ResourcePolicy, in.ResourceOwner, in.CallerArn, in.ContextEntries, defaultCaller); err != nil {
		return nil, err
	}
	results, pg, err := sim.run(c, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.SimulatePrincipalPolicyOutput{EvaluationResults: results, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

func getContextKeysForPrincipalPolicy(c *api.Context, in *iam.GetContextKeysForPrincipalPolicyInput) (*iam.GetContextKeysForPrincipalPolicyOutput, error) {
	set, err := sourcePolicies(c, aws.ToString(in.PolicySourceArn))
	if err != nil {
		return nil, err
	}
	stored, err := parseStoredPolicies(set.Identity)
	if err != nil {
		return nil, err
	}
	docs := make([]*policy.Document, 0, len(stored)+len(in.PolicyInputList))
	for _, p := range stored {
		docs = append(docs, p.Doc)
	}
	extra, err := parseDocuments(in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &iam.GetContextKeysForPrincipalPolicyOutput{ContextKeyNames: contextKeysOf(append(docs, extra...))}, nil
}

// sourcePolicies gathers the policies of the user, group or role named by a
// PolicySourceArn: a user's include its groups' policies.
func sourcePolicies(c *api.Context, arn string) (*PrincipalPolicySet, error) {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":iam::") {
		return nil, apierror.New("InvalidInput", "Invalid ARN %s: the policy source must be an IAM user, group or role.", arn)
	}
	if !strings.Contains(arn, ":group/") {
		return PrincipalPolicies(c.Tx, c.Account(), arn)
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	g, err := GetGroup(c, name)
	if err != nil {
		return nil, err
	}
	if aws.ToString(g.Arn) != arn {
		return nil, apierror.New("NoSuchEntity", "The group with name %s cannot be found.", name)
	}
	set := &PrincipalPolicySet{}
	for _, ip := range g.InlinePolicies {
		set.Identity = append(set.Identity, PolicyDocument{ID: ip.Name, Document: ip.Document})
	}
	for _, a := range g.AttachedPolicies {
		p, err := GetPolicy(c, aws.ToString(a.PolicyArn))
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, PolicyDocument{ID: aws.ToString(a.PolicyArn), Document: p.defaultDocument()})
	}
	return set, nil
}

// parseStoredPolicies parses a principal's policies. The simulator names a
// managed policy by its name, as AWS does.
func parseStoredPolicies(docs []PolicyDocument) ([]policy.Policy, error) {
	out := make([]policy.Policy, 0, len(docs))
	for _, pd := range docs {
		d, err := policy.ParseCached(pd.Document)
		if err != nil {
			return nil, apierror.New("PolicyEvaluation", "The policy %s could not be evaluated: %s", pd.ID, apierror.As(err).Message)
		}
		id := pd.ID
		if strings.HasPrefix(id, "arn:") {
			id = id[strings.LastIndex(id, "/")+1:]
		}
		out = append(out, policy.Policy{ID: id, Type: string(sourceIAMPolicy), Doc: d})
	}
	return out, nil
}
