package iam

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam/policy"
)

// Source policy types as the simulator reports them (AWS answers "IAM Policy"
// for identity policies, whatever the model's enum lists).
const (
	sourceIAMPolicy      types.PolicySourceType = "IAM Policy"
	sourceResourcePolicy types.PolicySourceType = "Resource Policy"
	sourceBoundary       types.PolicySourceType = "Permissions Boundary Policy"
)

// simulation is one SimulateCustomPolicy or SimulatePrincipalPolicy request,
// with its policies parsed.
type simulation struct {
	sets            policy.PolicySets
	actions         []string
	resources       []string
	explicitRes     bool
	ctx             policy.Context
	caller          *policy.Principal
	resourceAccount string
}

// parseInputPolicies parses simulator input documents; a bad one is InvalidInput
// with the policy grammar's message.
func parseInputPolicies(docs []string, prefix string, kind policy.Kind, typ types.PolicySourceType) ([]policy.Policy, error) {
	out := make([]policy.Policy, 0, len(docs))
	for i, d := range docs {
		p, err := parseInputPolicy(d, prefix+"."+strconv.Itoa(i+1), kind, typ)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func parseInputPolicy(doc, id string, kind policy.Kind, typ types.PolicySourceType) (policy.Policy, error) {
	d, err := policy.ParseAs(doc, kind)
	if err != nil {
		return policy.Policy{}, apierror.New("InvalidInput", "%s", apierror.As(err).Message)
	}
	return policy.Policy{ID: id, Type: string(typ), Doc: d}, nil
}

// contextOf turns ContextEntries into an evaluation context.
func contextOf(entries []types.ContextEntry) (policy.Context, error) {
	ctx := policy.Context{}
	for _, e := range entries {
		name := aws.ToString(e.ContextKeyName)
		if name == "" {
			return nil, apierror.New("InvalidInput", "ContextKeyName is required for every context entry.")
		}
		ctx.Set(name, e.ContextKeyValues...)
	}
	return ctx, nil
}

// accountOfARN is the account field of an ARN, or a bare 12-digit account.
func accountOfARN(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) == 6 {
		return f[4]
	}
	return arn
}

// callerPrincipal checks a CallerArn: only IAM users can be simulated callers.
func callerPrincipal(arn string) (*policy.Principal, error) {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":iam::") || !strings.Contains(arn, ":user/") {
		return nil, apierror.New("InvalidInput", "Invalid CallerArn %s: only the ARN of an IAM user can be the simulated caller.", arn)
	}
	return &policy.Principal{ARN: arn, Account: accountOfARN(arn)}, nil
}

// run evaluates every action on every resource and pages the results.
func (s *simulation) run(c *api.Context, marker *string, maxItems *int32) ([]types.EvaluationResult, paging, error) {
	missing := s.missingKeys()
	callerAccount := c.Account()
	if s.caller != nil {
		callerAccount = s.caller.Account
	}
	cross := s.resourceAccount != "" && s.resourceAccount != callerAccount
	var results []types.EvaluationResult
	for _, action := range s.actions {
		for _, res := range s.resources {
			req := policy.Request{Action: action, Resource: res, Principal: s.caller, ResourceAccount: s.resourceAccount, Context: s.ctx}
			r := policy.Evaluate(req, s.sets)
			matched := statementsOf(r.Matched)
			out := types.EvaluationResult{
				EvalActionName:       aws.String(action),
				EvalResourceName:     aws.String(res),
				EvalDecision:         types.PolicyEvaluationDecisionType(r.Decision),
				MatchedStatements:    matched,
				MissingContextValues: missing,
			}
			if s.sets.Boundary != nil {
				out.PermissionsBoundaryDecisionDetail = &types.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: r.AllowedByBoundary}
			}
			// Per AWS: with resource ARNs, details are present (empty unless
			// cross-account) and missing keys move to the resource's result.
			if s.explicitRes {
				specific := types.ResourceSpecificResult{
					EvalResourceName:                  aws.String(res),
					EvalResourceDecision:              types.PolicyEvaluationDecisionType(r.Decision),
					MatchedStatements:                 matched,
					MissingContextValues:              missing,
					PermissionsBoundaryDecisionDetail: out.PermissionsBoundaryDecisionDetail,
				}
				out.MissingContextValues = []string{}
				out.EvalDecisionDetails = map[string]types.PolicyEvaluationDecisionType{}
				if cross {
					details := map[string]types.PolicyEvaluationDecisionType{
						string(sourceIAMPolicy):      types.PolicyEvaluationDecisionType(r.IdentityDecision),
						string(sourceResourcePolicy): types.PolicyEvaluationDecisionType(r.ResourceDecision),
					}
					out.EvalDecisionDetails, specific.EvalDecisionDetails = details, details
				}
				out.ResourceSpecificResults = []types.ResourceSpecificResult{specific}
			}
			results = append(results, out)
		}
	}
	return paginate(c, "simulate", results, byIndex, marker, maxItems)
}

// missingKeys lists the keys the simulated policies use that the context
// lacks: like AWS, every key of the policies, not only of the statements that
// apply to one action.
func (s *simulation) missingKeys() []string {
	missing := []string{}
	seen := map[string]bool{}
	for _, set := range [][]policy.Policy{s.sets.Identity, s.sets.Boundary, s.sets.Resource} {
		for _, p := range set {
			for _, k := range p.Doc.ContextKeys() {
				lk := strings.ToLower(k)
				if _, ok := s.ctx[lk]; ok || seen[lk] {
					continue
				}
				seen[lk] = true
				missing = append(missing, k)
			}
		}
	}
	return missing
}

func statementsOf(ms []policy.Match) []types.Statement {
	out := make([]types.Statement, len(ms))
	for i, m := range ms {
		out[i] = types.Statement{
			SourcePolicyId:   aws.String(m.PolicyID),
			SourcePolicyType: types.PolicySourceType(m.PolicyType),
			StartPosition:    &types.Position{Line: int32(m.Start.Line), Column: int32(m.Start.Column)},
			EndPosition:      &types.Position{Line: int32(m.End.Line), Column: int32(m.End.Column)},
		}
	}
	return out
}

// contextKeysOf lists the context keys of documents, each once.
func contextKeysOf(docs []*policy.Document) []string {
	keys := []string{}
	seen := map[string]bool{}
	for _, d := range docs {
		for _, k := range d.ContextKeys() {
			if lk := strings.ToLower(k); !seen[lk] {
				seen[lk] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}
