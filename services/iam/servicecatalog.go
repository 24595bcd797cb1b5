package iam

import (
	"encoding/json"
	"path"
	"sort"
	"strings"
)

// serviceNames maps service namespaces (the prefix of IAM actions) to the names
// that service-last-accessed reports show. A policy granting "*" grants these.
var serviceNames = map[string]string{
	"acm":                     "AWS Certificate Manager",
	"application-autoscaling": "Application Auto Scaling",
	"autoscaling":             "Amazon EC2 Auto Scaling",
	"cloudformation":          "AWS CloudFormation",
	"cloudtrail":              "AWS CloudTrail",
	"cloudwatch":              "Amazon CloudWatch",
	"codecommit":              "AWS CodeCommit",
	"dynamodb":                "Amazon DynamoDB",
	"ec2":                     "Amazon EC2",
	"ecr":                     "Amazon Elastic Container Registry",
	"ecs":                     "Amazon Elastic Container Service",
	"eks":                     "Amazon Elastic Kubernetes Service",
	"elasticfilesystem":       "Amazon Elastic File System",
	"elasticloadbalancing":    "Elastic Load Balancing",
	"events":                  "Amazon EventBridge",
	"iam":                     "AWS Identity and Access Management",
	"kms":                     "AWS Key Management Service",
	"lambda":                  "AWS Lambda",
	"logs":                    "Amazon CloudWatch Logs",
	"organizations":           "AWS Organizations",
	"route53":                 "Amazon Route 53",
	"s3":                      "Amazon S3",
	"secretsmanager":          "AWS Secrets Manager",
	"servicediscovery":        "AWS Cloud Map",
	"sns":                     "Amazon SNS",
	"sqs":                     "Amazon SQS",
	"ssm":                     "AWS Systems Manager",
	"ssmmessages":             "Amazon Session Manager Message Gateway Service",
	"sts":                     "AWS Security Token Service",
	"tag":                     "Amazon Resource Group Tagging API",
	"xray":                    "AWS X-Ray",
}

// serviceDisplayName is a namespace's service name (the namespace itself when unknown).
func serviceDisplayName(ns string) string {
	if n, ok := serviceNames[ns]; ok {
		return n
	}
	return ns
}

// policyStatement is the part of a policy statement that decides which services it grants.
type policyStatement struct {
	Effect    string
	Action    stringOrList
	NotAction stringOrList
}

// stringOrList is a policy element written as one string or a list of them.
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// grantedNamespaces lists, sorted, the service namespaces that a policy
// document's Allow statements grant any action of. A malformed document grants nothing.
func grantedNamespaces(doc string) []string {
	var p struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(doc), &p) != nil || len(p.Statement) == 0 {
		return nil
	}
	var stmts []policyStatement
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one policyStatement
		if json.Unmarshal(p.Statement, &one) != nil {
			return nil
		}
		stmts = []policyStatement{one}
	}
	found := map[string]bool{}
	for _, st := range stmts {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			for _, ns := range namespacesMatching(a) {
				found[ns] = true
			}
		}
		if len(st.NotAction) > 0 {
			// NotAction grants every service but those it excludes whole.
			for ns := range serviceNames {
				excluded := false
				for _, a := range st.NotAction {
					if strings.EqualFold(a, "*") || strings.EqualFold(a, ns+":*") {
						excluded = true
					}
				}
				if !excluded {
					found[ns] = true
				}
			}
		}
	}
	out := make([]string, 0, len(found))
	for ns := range found {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// namespacesMatching returns the namespaces an action pattern ("ecs:List*",
// "s3:*", "*") covers: the catalogue's namespaces its prefix matches, or the
// prefix itself when it has no wildcard.
func namespacesMatching(action string) []string {
	action = strings.ToLower(action)
	prefix, _, hasColon := strings.Cut(action, ":")
	if !hasColon && action != "*" {
		return nil
	}
	if !strings.ContainsAny(prefix, "*?") {
		return []string{prefix}
	}
	var out []string
	for ns := range serviceNames {
		if ok, _ := path.Match(prefix, ns); ok {
			out = append(out, ns)
		}
	}
	return out
}
