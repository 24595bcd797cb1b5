package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam/policy"
)

func simulateCustomPolicy(c *api.Context, in *iam.SimulateCustomPolicyInput) (*iam.SimulateCustomPolicyOutput, error) {
	identity, err := parseInputPolicies(in.PolicyInputList, "PolicyInputList", policy.Identity, sourceIAMPolicy)
	if err != nil {
		return nil, err
	}
	sim := &simulation{sets: policy.PolicySets{Identity: identity}, actions: in.ActionNames}
	if err := sim.common(in.PermissionsBoundaryPolicyInputList, in.ResourceArns, in.ResourcePolicy, in.ResourceOwner, in.CallerArn, in.ContextEntries, ""); err != nil {
		return nil, err
	}
	results, pg, err := sim.run(c, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.SimulateCustomPolicyOutput{EvaluationResults: results, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

// common reads the inputs both simulators share. defaultCaller is the
// simulated user when CallerArn is absent (SimulatePrincipalPolicy on a user).
func (s *simulation) common(boundaries, resourceArns []string, resourcePolicy, resourceOwner, callerArn *string,
	entries []types.ContextEntry, defaultCaller string) error {
	if len(boundaries) > 0 {
		b, err := parseInputPolicies(boundaries, "PermissionsBoundaryPolicyInputList", policy.Identity, sourceBoundary)
		if err != nil {
			return err
		}
		s.sets.Boundary = b
	}
	s.resources = resourceArns
	s.explicitRes = len(resourceArns) > 0
	if !s.explicitRes {
		s.resources = []string{"*"}
	}
	ctx, err := contextOf(entries)
	if err != nil {
		return err
	}
	s.ctx = ctx
	caller := aws.ToString(callerArn)
	if caller == "" {
		caller = defaultCaller
	}
	if caller != "" {
		if s.caller, err = callerPrincipal(caller); err != nil {
			return err
		}
	}
	if resourcePolicy != nil {
		if s.caller == nil {
			return apierror.New("InvalidInput", "CallerArn is required if you include a ResourcePolicy and the PolicySourceArn is not the ARN of an IAM user.")
		}
		p, err := parseInputPolicy(aws.ToString(resourcePolicy), "ResourcePolicy", policy.Resource, sourceResourcePolicy)
		if err != nil {
			return err
		}
		s.sets.Resource = []policy.Policy{p}
	}
	if owner := aws.ToString(resourceOwner); owner != "" {
		s.resourceAccount = accountOfARN(owner)
	}
	return nil
}

func getContextKeysForCustomPolicy(c *api.Context, in *iam.GetContextKeysForCustomPolicyInput) (*iam.GetContextKeysForCustomPolicyOutput, error) {
	docs, err := parseDocuments(in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &iam.GetContextKeysForCustomPolicyOutput{ContextKeyNames: contextKeysOf(docs)}, nil
}

// parseDocuments parses policies whose context keys are asked for.
func parseDocuments(list []string) ([]*policy.Document, error) {
	docs := make([]*policy.Document, 0, len(list))
	for _, d := range list {
		doc, err := policy.Parse(d)
		if err != nil {
			return nil, apierror.New("InvalidInput", "%s", apierror.As(err).Message)
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
